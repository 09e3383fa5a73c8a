export {
  type BigqueryEmulator,
  type BigqueryEmulatorOptions,
  type BigqueryRequestLogEntry,
  createBigqueryEmulator,
  type HttpFault,
} from "./bigquery-emulator.ts";
export { BigqueryApiError, type BigqueryErrorProto, type BigqueryReason } from "./bigquery-errors.ts";
export type { QueryOutcome } from "./bigquery-query.ts";
export type { FieldSchema, StoredType } from "./bigquery-schema.ts";
export { type TranslatedStatement, translateScript } from "./bigquery-sql.ts";
export type { TableEntry } from "./bigquery-store.ts";
