// The load protocol for warehouse sinks and the driver contract under it (`@parley/core/warehouse`).
export { decimalValue } from "./decimal-value.ts";
export { refuseDuplicateColumns } from "./result-columns.ts";
export { createStagingArea, rowJson, type StagingArea } from "./staging-area.ts";
export type {
  DriverTransaction,
  HeldWarehouseLock,
  MappedRawRecords,
  NewRows,
  StagedRows,
  TableHints,
  TableShape,
  WarehouseDriver,
} from "./warehouse-driver.ts";
export { mergeKeyOf } from "./warehouse-keys.ts";
export { jsonText } from "./warehouse-ledger.ts";
export { checkTargetNames, replaceStagingTable, reservedColumns, sequenceColumn } from "./warehouse-names.ts";
export { createWarehouseSink, type WarehouseSinkOptions } from "./warehouse-sink.ts";
export { latestRowPerKey, positionColumn } from "./warehouse-writes.ts";
