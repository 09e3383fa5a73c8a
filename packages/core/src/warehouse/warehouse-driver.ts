import type { RawRecordPart, RecordMapping } from "../mapping/record-mapping.ts";
import type { ColumnDefinition, LogicalType } from "../schema/logical-type.ts";
import type { ValidatedRow } from "../schema/record-validator.ts";
import type { StreamDefinition, TableTarget } from "../schema/stream-definition.ts";
import type { RejectedRecord, SqlDialect } from "../sink/sink.ts";

/**
 * What a warehouse sink hands to the load protocol: a small driver, alike for every warehouse (kysely's
 * dialect split). Everything Parley promises about a load (the ledger, state, rejects, staging, the replace
 * swap, schema evolution, identifier rules) is written once above it, in `warehouse-sink.ts`; a driver only
 * moves SQL and rows in and out of its warehouse.
 */
export interface WarehouseDriver {
  readonly dialect: SqlDialect;
  /** The schema or dataset the sink writes to, as messages name it (`parley`, `project.dataset`). */
  readonly namespace: string;
  /** The warehouse's identifier limits; names longer than `maxIdentifierLength` are refused before any I/O. */
  readonly maxIdentifierLength: number;
  /** The column type that stores a logical type (`timestamp` -> `TIMESTAMPTZ`). */
  columnType(type: LogicalType): string;
  /** True if a stored column type (as `describeTable` reports it) holds `type` without a cast. */
  holdsType(stored: string, type: LogicalType): boolean;
  /** An identifier quoted for this warehouse's SQL (keywords and mixed case kept as written). */
  quoteIdentifier(name: string): string;
  /** A string literal that round-trips any text this warehouse can store. */
  quoteString(value: string): string;
  /** A SQL expression turning JSON text (already a literal, from `quoteString`) into a JSON value. */
  parseJson(literal: string): string;
  /**
   * A predicate on the merge target (aliased `target`) that narrows a merge's delete to what the batch's rows
   * can touch, such as the event-time partitions of BigQuery; undefined (or absent) for the whole table.
   */
  mergeScope?(stream: StreamDefinition, rows: readonly ValidatedRow[]): string | undefined;
  /**
   * True if a merge deletes the batch's keys as a join (`DELETE ... USING batch`) rather than a semi-join
   * (`WHERE EXISTS`): DuckDB narrows a join's scan of the target to the batch's key range, skipping the row groups
   * outside it, so keys that ascend as they arrive (Voicegain's callIds) cost a merge a few row groups, not the
   * whole table's keys. Absent: `WHERE EXISTS`, which every warehouse runs (BigQuery has no `DELETE ... USING`).
   */
  readonly mergeDeletesByJoin?: boolean;
  /** A table in the sink's schema or dataset, qualified and quoted for SQL. */
  table(name: string): string;

  /** The table's columns (name and stored type) in order, or undefined if it does not exist. */
  describeTable(name: string): Promise<TableShape | undefined>;
  /**
   * Tables in the sink's schema or dataset whose name starts with `prefix`, to drop staging tables of dead
   * loads. Absent for a warehouse whose `temporary` tables expire on their own (BigQuery).
   */
  listTables?(prefix: string): Promise<readonly string[]>;
  /**
   * Creates a table unless it exists. `primaryKey` and `eventTimeColumn` are hints a warehouse may use
   * (a key constraint or index, partitioning, clustering); the protocol never relies on them.
   */
  createTable(name: string, columns: readonly ColumnDefinition[], hints: TableHints): Promise<void>;
  /** Adds nullable columns to an existing table (rows already there read NULL). */
  addColumns(name: string, columns: readonly ColumnDefinition[]): Promise<void>;
  dropTable(name: string): Promise<void>;

  /**
   * Runs `work` as one transaction: every statement and staged load in it applies, or none does. A warehouse
   * without interactive transactions (BigQuery) may queue statements and submit them as one script at the end.
   */
  transaction<T>(work: (transaction: DriverTransaction) => Promise<T>): Promise<T>;
  /** Runs a query (or any statement) outside a transaction; rows are normalised as `Sink.query` promises. */
  query(sql: string): Promise<readonly Record<string, unknown>[]>;
  /**
   * Takes the warehouse's lock called `name` (one holder at a time, across processes) without waiting. `holder`
   * describes the taker; a warehouse that can keep it beside the lock reports it to the next taker as `heldBy`.
   * A holder that dies releases the lock (a session ends, a file lock drops, a lease expires).
   */
  tryLock(name: string, holder: string): Promise<HeldWarehouseLock | { heldBy: string | undefined }>;
  /**
   * The bulk path, for a warehouse whose own reader can parse a vendor's raw records: maps a batch's raw records
   * with SQL generated from the stream's `mapping` (records it leaves aside go through the JavaScript mapper) into
   * a relation of the stream's columns plus `_parley_position` (the record's place in the batch, `positionColumn`), which the next
   * `transaction` reads. Work that needs no warehouse (staging files) may start at once; the warehouse is touched
   * only once `after` settled (the previous batch's write), so two batches overlap and still apply in order.
   * Absent: the runner maps raw records in JavaScript and the driver gets rows.
   */
  mapRawRecords?(
    stream: StreamDefinition & { readonly mapping: RecordMapping },
    parts: readonly RawRecordPart[],
    after: Promise<unknown>,
  ): Promise<MappedRawRecords>;
  /** See `Sink.batchRowMultiple`. */
  readonly batchRowMultiple?: number;
  /** Creates the sink's schema or dataset if missing. */
  ensureNamespace(): Promise<void>;
  close(): Promise<void>;
}

/** A lock `tryLock` took. */
export interface HeldWarehouseLock {
  release(): Promise<void>;
  /**
   * Fails (with the reason as its message) if the lock has been lost since it was taken: its connection ended,
   * its lease expired or was taken over. Called at the end of each transaction that writes data or state, so a
   * warehouse that can check inside the transaction (PostgreSQL) refuses its commit. Absent: the lock cannot be
   * lost while its process lives (a DuckDB file lock).
   */
  assertHeld?(transaction: DriverTransaction): Promise<void>;
}

/** A batch's raw records, mapped and staged in the warehouse until `release`. */
export interface MappedRawRecords {
  readonly relation: string;
  /** See `MappedInput.uniqueKeys`: the batch's keys, when the driver knows none repeats (never for a replace). */
  readonly uniqueKeys?: string;
  /** Records that could not be rows, with their reasons; stored with the batch. */
  readonly rejects: readonly RejectedRecord[];
  /** See `WriteOutcome.mappedInJavaScript`. */
  readonly mappedInJavaScript: number;
  release(): Promise<void>;
  /**
   * For a relation the warehouse reads only inside the write's transaction, where its reader may still refuse a
   * record: the same batch mapped the slower, sure way, which the protocol applies instead (the fallback releases
   * what this mapping held; the protocol releases the fallback's). Given the write's error, it fails with that error
   * when the error is not such a refusal (a fault the sure way would not avoid must not be hidden by it).
   */
  fallback?(failure: unknown): Promise<MappedRawRecords>;
}

export interface TableShape {
  readonly columns: readonly { readonly name: string; readonly type: string }[];
}

export interface TableHints {
  /** The columns that identify a record. */
  readonly primaryKey?: readonly string[];
  /** The table holds one row per key (merge and replace tables, the ledger); append tables may repeat keys. */
  readonly uniqueKey?: boolean;
  readonly eventTimeColumn?: string;
  /** Tables that only live for one load (staging): a warehouse may give them an expiry. */
  readonly temporary?: boolean;
}

/**
 * Rows for a bulk load, in the form the producer has them: rows in memory, or files already written in
 * newline-delimited JSON (one object per line, keys = column names, values as `ValidatedRow` holds them),
 * which a warehouse can read natively (DuckDB `read_json`, BigQuery load jobs).
 */
export type StagedRows =
  | { readonly kind: "rows"; readonly rows: readonly Record<string, unknown>[] }
  | { readonly kind: "ndjson"; readonly paths: readonly string[] };

export interface DriverTransaction {
  /** Runs one statement in the transaction (or queues it, for a warehouse that submits a script). */
  run(sql: string): Promise<void>;
  /**
   * Bulk-loads rows with exactly `columns` and returns a relation (a table name or table expression) that the
   * transaction's later statements can select from. It exists until the transaction ends. `label` (the target
   * table) names the staged rows in the warehouse's names and messages.
   */
  stage(columns: readonly ColumnDefinition[], rows: StagedRows, label: string): Promise<string>;
  /**
   * Reads inside the transaction, where the warehouse allows it (DuckDB, PostgreSQL); absent for a warehouse
   * that submits the transaction as one script, where the protocol checks before the transaction instead.
   */
  readonly query?: (sql: string) => Promise<readonly Record<string, unknown>[]>;
  /** Serialises transactions that replace `table` across processes, where the warehouse needs it. */
  readonly lockTable?: (table: string) => Promise<void>;
  /**
   * A merge's fast path, for a warehouse whose loader checks a unique key while it loads: bulk-loads a batch
   * straight into its table, with the lineage values, if the table has a unique key within the stream's key and
   * no row's key is stored yet or repeats in the batch (the merge would then delete nothing and keep every row).
   * Otherwise it changes nothing and returns false, and the protocol stages the batch and merges as usual.
   * Absent: every merge is staged.
   */
  readonly insertNewRows?: (batch: NewRows) => Promise<boolean>;
}

export interface NewRows {
  readonly target: TableTarget;
  readonly rows: readonly ValidatedRow[];
  readonly loadId: string;
  readonly loadedAt: string;
}
