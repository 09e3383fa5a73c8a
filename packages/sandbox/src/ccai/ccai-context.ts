import type { FilterOptions } from "./ccai-filter-fields.ts";
import type { CcaiGenerator } from "./ccai-generator.ts";
import type { AuthOptions } from "./ccai-http.ts";
import type { CcaiExportOutcome, CcaiExportRecord, CcaiOperations } from "./ccai-operations.ts";
import type { PageSizeOptions, PageTokens } from "./ccai-paging.ts";
import type { CcaiClock, CcaiStore } from "./ccai-store.ts";

export type CcaiFaultStatus = "RESOURCE_EXHAUSTED" | "UNAVAILABLE" | "INTERNAL";

/** Everything a route handler reads or changes; one per emulator. */
export interface CcaiContext {
  store: CcaiStore;
  generator: CcaiGenerator;
  clock: CcaiClock;
  operations: CcaiOperations;
  pageTokens: PageTokens;
  auth: AuthOptions;
  pageSize: PageSizeOptions;
  filter: FilterOptions;
  exportPollsUntilDone: number;
  exportOutcome: CcaiExportOutcome;
  exportQuota: { limit: number; windowMs: number };
  /** Export request times per project, for the per-minute quota. */
  exportTimes: Map<string, number[]>;
  existingBigQueryTables: readonly string[] | undefined;
  /** Writes a successful export's rows into BigQuery (the `bigQueryWriter` option), before the operation is answered. */
  deliverExport: ((record: CcaiExportRecord) => Promise<void>) | undefined;
  faults: { status: CcaiFaultStatus; remaining: number }[];
  nextOperationNumber: number;
}
