export { formatPath, type ParsedConfig, parseConfig, parseConfigOrThrow } from "./config/parse-config.ts";
export { redact, redactedMarker, redactUrl, registerSecret } from "./config/redactor.ts";
export { Secret, secretString } from "./config/secret.ts";
export * from "./errors/index.ts";
export { type BodyChunksOptions, bodyChunks } from "./http/body-chunks.ts";
export {
  createHttpClient,
  type HttpClient,
  type HttpClientOptions,
  type HttpRequest,
  type HttpResponse,
  type QueryValue,
} from "./http/http-client.ts";
export { type BudgetWindow, RequestBudget } from "./http/request-budget.ts";
export {
  backoffDelay,
  defaultRetryOptions,
  isRetryableStatus,
  parseRetryAfter,
  type RetryDecision,
  type RetryingOptions,
  type RetryOptions,
  retrying,
} from "./http/retry.ts";
export { type PauseOptions, pause, type WaitListener, WaitRelay } from "./http/waits.ts";
export {
  createLogger,
  type LogFields,
  type Logger,
  type LoggerOptions,
  type LogLevel,
  silentLogger,
} from "./logging/logger.ts";
export {
  expectedValues,
  type FieldReader,
  fieldReaders,
  numberField,
  numericIdField,
  objectField,
  objectListReader,
  textListField,
  textOrNullField,
  trueOrFalseField,
  utcTimeField,
  wholeNumberField,
} from "./mapping/field-readers.ts";
export {
  ElementSplitter,
  type ElementSplitterOptions,
  type FileElement,
  type FilePiece,
  isJsonSpace,
  jsonBytes,
  rawRecordTexts,
} from "./mapping/json-element-splitter.ts";
export { splitRawRecords } from "./mapping/raw-records-split.ts";
export {
  createRecordMapper,
  type MappedRecord,
  type MappedText,
  mapRecordText,
} from "./mapping/record-mapper.ts";
export type {
  FieldMapping,
  ItemKey,
  RawRecordPart,
  RawRecords,
  RecordContext,
  RecordMapping,
  ScalarReading,
  ValueReading,
} from "./mapping/record-mapping.ts";
export { valueReadings } from "./mapping/record-mapping.ts";
export { readField, shownValue, ValueProblem } from "./mapping/value-problem.ts";
export {
  invalid,
  type Reading,
  toBoolean,
  toCount,
  toJson,
  toNumber,
  toNumericId,
  toText,
  toTextOrNull,
  toTimestamp,
  toTrueOrFalse,
  toUtcTime,
  toWholeNumber,
} from "./mapping/value-readings.ts";
export { MainThreadTurns } from "./scheduling/main-thread-turns.ts";
export {
  checkJsonValue,
  type JsonShape,
  jsonShapes,
  maxJsonDepth,
  repairText,
} from "./schema/json-value.ts";
export {
  type ColumnDefinition,
  isValidIdentifier,
  type LogicalType,
  lineageColumns,
  logicalTypes,
} from "./schema/logical-type.ts";
export {
  createRecordValidator,
  isRealDate,
  isRealDay,
  type RecordValidation,
  type SourceRecord,
  type ValidatedRow,
} from "./schema/record-validator.ts";
export type {
  AppendStreamDefinition,
  MergeStreamDefinition,
  ReplaceStreamDefinition,
  StreamDefinition,
  TableTarget,
  WriteDisposition,
} from "./schema/stream-definition.ts";
export { loadRecordFromRow, storedStateFromRow } from "./sink/internal-rows.ts";
export { internalTables, maxRejectPayloadBytes, rejectPayload } from "./sink/internal-tables.ts";
export type {
  LoadRecord,
  LoadStatus,
  RejectedRecord,
  Sink,
  SinkFactory,
  SinkLock,
  SqlDialect,
  StreamCompletion,
  StreamLoadSummary,
  WriteBatch,
  WriteOutcome,
} from "./sink/sink.ts";
export type {
  CheckContext,
  PluginApiVersion,
  ProgressEvent,
  ReadContext,
  Source,
  SourceFactory,
  SourceMessage,
} from "./source/source.ts";
export type { JsonValue } from "./state/json-value.ts";
export type { StateUpdate, StoredState } from "./state/stored-state.ts";
