export { type CsvEncoder, voicegainCsvColumns } from "./voicegain-csv.ts";
export {
  createVoicegainEmulator,
  type VoicegainEmulator,
  type VoicegainEmulatorOptions,
} from "./voicegain-emulator.ts";
export type { VoicegainFault, VoicegainRequestMatcher, VoicegainRequestRecord } from "./voicegain-faults.ts";
export type { VoicegainFiles } from "./voicegain-files.ts";
export { isoSeconds, VoicegainGenerator, type VoicegainGeneratorOptions } from "./voicegain-generator.ts";
export { type VoicegainRateLimit, voicegainDefaultRateLimits } from "./voicegain-rate-limit.ts";
export * from "./voicegain-records.ts";
export type { VoicegainDataOptions, VoicegainReviewChanges } from "./voicegain-store.ts";
export { ZoneClock } from "./voicegain-time.ts";
