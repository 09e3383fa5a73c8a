export type { UltimateApiConfig, UltimateConfig, UltimateFilesConfig, UltimateSettings } from "./ultimate-config.ts";
export { ultimateConfigSchema } from "./ultimate-config.ts";
export { createUltimateSource, ultimateSourceFactory } from "./ultimate-source.ts";
export { conversationsStream } from "./ultimate-streams.ts";
