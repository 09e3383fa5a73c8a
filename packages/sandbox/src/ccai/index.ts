export {
  bigQuerySchemaFor,
  type CcaiBigQueryRow,
  type CcaiBigQuerySchema,
  type CcaiBigQuerySentence,
  toCcaiBigQueryRow,
} from "./ccai-bigquery.ts";
export { type CcaiExportField, ccaiExportTableFields } from "./ccai-bigquery-schema.ts";
export type { CcaiFaultStatus } from "./ccai-context.ts";
export {
  type CcaiEmulator,
  type CcaiEmulatorOptions,
  type CcaiRequestLogEntry,
  createCcaiEmulator,
} from "./ccai-emulator.ts";
export {
  type CcaiView,
  encodeCcaiAnalysis,
  encodeCcaiConversation,
  formatDuration,
  formatTimestamp,
  type JsonObject,
} from "./ccai-encoding.ts";
export { CcaiApiError, type RpcStatus, rpcCodes } from "./ccai-errors.ts";
export type { CcaiExportRequest } from "./ccai-export-request.ts";
export { type FilterNode, parseCcaiFilter } from "./ccai-filter.ts";
export { compileCcaiFilter, conversationFilterFields, type FilterFields } from "./ccai-filter-fields.ts";
export { CcaiGenerator, type CcaiGeneratorOptions } from "./ccai-generator.ts";
export type { CcaiExportOutcome, CcaiExportRecord } from "./ccai-operations.ts";
export type * from "./ccai-records.ts";
