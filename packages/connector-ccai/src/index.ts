export {
  type CcaiConfig,
  type CcaiExportConfig,
  type CcaiSettings,
  ccaiConfigSchema,
  ccaiExportConfigSchema,
} from "./ccai-config.ts";
export {
  type CcaiExportOperation,
  type CcaiExportOptions,
  type CcaiExportResult,
  exportCcaiToBigQuery,
  exportCcaiToBigQuery as ccaiNativeExport,
} from "./ccai-export.ts";
export { CcaiExportError } from "./ccai-export-error.ts";
export {
  type BigQueryTable,
  buildCcaiMergeSql,
  buildWatermarkSql,
  exportColumns,
  watermarkTime,
} from "./ccai-export-sql.ts";
export { ccaiSourceFactory, createCcaiSource } from "./ccai-source.ts";
