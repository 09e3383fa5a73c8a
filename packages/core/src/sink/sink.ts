import type { RawRecordPart } from "../mapping/record-mapping.ts";
import type { ValidatedRow } from "../schema/record-validator.ts";
import type { TableTarget } from "../schema/stream-definition.ts";
import type { PluginApiVersion } from "../source/source.ts";
import type { JsonValue } from "../state/json-value.ts";
import type { StateUpdate, StoredState } from "../state/stored-state.ts";

/** The SQL dialect a sink speaks; `parley views apply` picks each view's variant by it. */
export type SqlDialect = "duckdb" | "postgres" | "bigquery";

/** A record set aside, with the reason. Stored in `_parley_rejects`; never dropped silently. */
export interface RejectedRecord {
  readonly stream: string;
  /** The raw record as text (JSON for objects; the original text for unparsable input), at most 1 MB. */
  readonly payload: string;
  readonly reason: string;
}

/**
 * One unit of work for a sink, applied atomically: the rows, the rejects and (optionally) the state
 * that covers them are all stored, or none is. That single rule is what makes a killed run safe.
 */
export interface WriteBatch {
  readonly loadId: string;
  /** The run's start time, ISO 8601 UTC; stored in `_parley_loaded_at`. */
  readonly loadedAt: string;
  /** The source's name in the config. */
  readonly source: string;
  readonly target: TableTarget;
  /** Rows already validated against `target.stream.columns` (lineage columns are added by the sink). */
  readonly rows: readonly ValidatedRow[];
  readonly rejects: readonly RejectedRecord[];
  /**
   * Raw records for a sink with `rawRecords`, instead of `rows`: the sink maps them with the stream's `mapping`
   * in the same transaction as the rejects and state, and reports the ones it set aside.
   */
  readonly raw?: readonly RawRecordPart[];
  readonly state?: StateUpdate;
}

/** What a write reports back: raw records that became rejects (counted as records when they were read). */
export interface WriteOutcome {
  readonly rejected: number;
  /**
   * Raw records the bulk path did not hand to the warehouse's own reader (forms it is not given, such as a field
   * the mapping does not name): mapped in JavaScript instead, rejects included. The same rows, a slower load.
   */
  readonly mappedInJavaScript?: number;
}

/** Sent once per stream after its last batch. For `replace` streams this is when the new rows become visible. */
export interface StreamCompletion {
  readonly loadId: string;
  readonly source: string;
  readonly target: TableTarget;
  /** State to store in the same transaction as the swap (replace) or on its own (merge/append). */
  readonly state?: StateUpdate;
}

/**
 * A load's place in the ledger: `running` while its process works; `succeeded`; `failed` (the error says why);
 * `interrupted` (stopped on request, e.g. a signal: what its checkpoints covered is stored); `abandoned` (left
 * `running` by a process that died, found and marked by a later run).
 */
export type LoadStatus = "running" | "succeeded" | "failed" | "interrupted" | "abandoned";

/** Per-stream figures of a run, as kept in `_parley_loads.streams`. */
export interface StreamLoadSummary {
  readonly stream: string;
  readonly table: string;
  /**
   * Records the load stored in the table. An interrupted or failed load does not store what it read after its last
   * checkpoint (the next run reads it again), and a replace stores nothing unless it completed.
   */
  readonly records: number;
  readonly rejects: number;
  readonly stateBefore: StateUpdate["value"] | null;
  readonly stateAfter: StateUpdate["value"] | null;
}

/** One row of the `_parley_loads` ledger: every run is recorded, so a partial run is never mistaken for a complete one. */
export interface LoadRecord {
  readonly loadId: string;
  readonly source: string;
  readonly startedAt: string;
  readonly finishedAt: string | null;
  readonly status: LoadStatus;
  readonly streams: readonly StreamLoadSummary[];
  /** The failure or the reason for stopping, redacted; null for a running or succeeded load. */
  readonly error: string | null;
  /** Free-form facts a run records about itself (e.g. the PII policy version it applied); stored as JSON. */
  readonly metadata?: JsonValue;
}

/** The lock of one sink and source, held by one run at a time (see `Sink.lock`). */
export interface SinkLock {
  /** Loads of the source that were left `running` by a dead process, now marked `abandoned`. */
  readonly abandoned: readonly LoadRecord[];
  release(): Promise<void>;
}

/**
 * A destination, as the runner sees it. Created by a sink's factory (for example `createDuckdbSink(config)`)
 * without I/O; it connects lazily on first use. Warehouse sinks are `createWarehouseSink(driver)`: the load
 * protocol written once in `@parley/core` over a small per-warehouse driver.
 */
export interface Sink {
  /** The contract version this sink implements; the runner refuses another. */
  readonly apiVersion: PluginApiVersion;
  /** The sink id, e.g. `duckdb`. */
  readonly type: string;
  /** The SQL the sink speaks; `parley views apply` picks each view's variant by it. */
  readonly dialect: SqlDialect;
  /** The longest table or column name the warehouse holds as written; `parley check` refuses longer table names up front. */
  readonly maxIdentifierLength?: number;

  // Data: every table carries the lineage columns.
  /**
   * Creates missing tables (and Parley's own `_parley_*` tables) and evolves existing ones:
   * new columns are added (existing rows get NULL); a type change of an existing column is a `SchemaError`
   * naming table, column, old and new type. Names the warehouse cannot hold are a `SchemaError` too.
   */
  prepare(targets: readonly TableTarget[]): Promise<void>;
  /** Applies one batch atomically: its rows, rejects and state are all stored, or none is. */
  // biome-ignore lint/suspicious/noConfusingVoidType: a sink that takes no raw records reports nothing
  writeBatch(batch: WriteBatch): Promise<WriteOutcome | undefined | void>;
  /**
   * The sink loads raw records (`WriteBatch.raw`) with its own reader and maps them with SQL generated from the
   * stream's `mapping` (its bulk path); without it the runner maps raw records in JavaScript.
   */
  readonly rawRecords?: boolean;
  /**
   * A bulk batch larger than this many records is cut to a multiple of it (the rest waits for the next batch):
   * the number of rows the warehouse stores together (DuckDB: its row group size), so each commit adds whole groups
   * and the warehouse need not merge small leftovers later. Absent: batches are cut by size alone.
   */
  readonly batchRowMultiple?: number | undefined;
  /** Ends a stream's load: a replace swaps its staged rows in, with the state, in one transaction. */
  completeStream(completion: StreamCompletion): Promise<void>;

  // State: one row per source and stream, moved only with its data.
  readState(source: string): Promise<readonly StoredState[]>;
  /** Deletes stored state of a source (all streams, or the given ones); returns how many rows were removed. */
  resetState(source: string, streams?: readonly string[]): Promise<number>;

  // The load ledger (`_parley_loads`).
  /** Records a load as `running`. */
  startLoad(load: {
    readonly loadId: string;
    readonly source: string;
    readonly startedAt: string;
    readonly metadata?: JsonValue;
  }): Promise<void>;
  /** Records a load's end: status, per-stream counts, error, metadata. */
  finishLoad(load: LoadRecord): Promise<void>;
  /** Loads, newest first (of one source, or all), at most `limit` (default 50). */
  listLoads(source?: string, limit?: number): Promise<readonly LoadRecord[]>;
  /**
   * Takes the lock of this sink and source for one run, without waiting: a `LoadInProgressError` naming the
   * running load and its start time if another run holds it. Once taken, loads of the source the ledger
   * still shows `running` belong to dead processes: they are marked `abandoned` (and returned).
   */
  lock(load: { readonly source: string; readonly loadId: string; readonly startedAt: string }): Promise<SinkLock>;

  // SQL. `execute` and `query` resolve unqualified table names in the sink's own schema or dataset,
  // so the shipped views work wherever the user points the sink.
  /** Runs a statement (DDL such as `CREATE OR REPLACE VIEW`). */
  execute(sql: string): Promise<void>;
  /**
   * Runs statements and stores `state` in one transaction: all of it applies, or none does. For data that moves
   * inside the warehouse by SQL (folding CCAI's native export from its staging table into the final table), whose
   * watermark must move only together with it. Optional: warehouse sinks have it.
   */
  executeWithState?(statements: readonly string[], state: StateUpdate, loadId: string): Promise<void>;
  /**
   * Runs a query and returns rows as plain objects with values normalised the same way in every sink:
   * integers as numbers (bigint beyond 2^53), floats as numbers, booleans, strings,
   * timestamps as ISO 8601 UTC strings ending in `Z`, dates as `YYYY-MM-DD`, JSON columns parsed.
   * DECIMAL/NUMERIC values are exact: a number when it prints back as the same decimal (`1.50` as 1.5),
   * otherwise the exact decimal string (`"12345678901234567890.123"`), never a float that lost digits. On
   * PostgreSQL this holds for numerics with a declared precision (columns, `::numeric(p,s)`); an unconstrained
   * numeric is arithmetic PostgreSQL already rounded (`1.0 * a / b`, AVG) and is a number, as on the other sinks.
   */
  query(sql: string): Promise<readonly Record<string, unknown>[]>;

  // Lifecycle.
  /** Releases connections; the sink opens them again if used after. Safe to call twice. */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** The factory a sink package exports, used by the runner's registry. */
export interface SinkFactory<S extends import("zod").ZodType = import("zod").ZodType> {
  /** The contract version the sink implements; the runner refuses a version it does not speak. */
  readonly apiVersion: PluginApiVersion;
  /** The npm package that provides it, named in messages (e.g. a refused `apiVersion`). */
  readonly packageName: string;
  /** The sink id: `sink.type` in parley.yaml. */
  readonly type: string;
  /** The sink's config schema (input: what users write; output: the parsed config). */
  readonly configSchema: S;
  /** Creates a sink from a parsed config, without I/O. */
  create(config: import("zod").output<S>): Sink;
}
