export { type VoicegainConfig, type VoicegainSettings, voicegainConfigSchema } from "./voicegain-config.ts";
export { createVoicegainSource, voicegainSourceFactory } from "./voicegain-source.ts";
export { callsStream, voicegainJsonOnlyColumns, voicegainStreams } from "./voicegain-streams.ts";
