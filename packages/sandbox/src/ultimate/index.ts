export type { UltimateBot } from "./ultimate-bots.ts";
export type { UltimateDayFileOptions, UltimateDayFileResult } from "./ultimate-day-file.ts";
export { writeUltimateDayFile } from "./ultimate-day-file.ts";
export { createUltimateEmulator, type UltimateEmulator } from "./ultimate-emulator.ts";
export type {
  UltimateFault,
  UltimateFaultOptions,
  UltimateFaultTarget,
  UltimateLoggedRequest,
} from "./ultimate-faults.ts";
export { type FileBodySource, fileByteChunks, fileTextChunks } from "./ultimate-file-body.ts";
export { type UltimateDayPlan, UltimateGenerator, type UltimateRecordQuery } from "./ultimate-generator.ts";
export type {
  UltimateApiVersion,
  UltimateBotDefinition,
  UltimateDataOptions,
  UltimateEmulatorOptions,
  UltimateFileFormat,
  UltimateLateArrivals,
} from "./ultimate-options.ts";
export type { UltimateRecord } from "./ultimate-record-shape.ts";
