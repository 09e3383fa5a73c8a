import type { RecordMapping } from "../mapping/record-mapping.ts";
import type { ColumnDefinition } from "./logical-type.ts";

/**
 * How a stream's batches are applied to its table.
 * - `append`: every record becomes a new row. Exactly-once relies on checkpoints: records are only
 *   written together with the checkpoint that follows them (see ARCHITECTURE.md).
 * - `merge`: upsert by primary key; the last record for a key wins, also within one batch.
 * - `replace`: the run's records replace the table's rows atomically when the stream completes;
 *   a killed run leaves the previous contents untouched.
 */
export type WriteDisposition = "append" | "merge" | "replace";

interface StreamDefinitionBase {
  /** Stream name, also the table name's suffix: table `<source prefix>_<name>`. */
  readonly name: string;
  /** What a row is, for generated docs (dbt sources, READMEs). */
  readonly description?: string;
  /** The table's columns; the sink adds the lineage columns after them. */
  readonly columns: readonly ColumnDefinition[];
  /**
   * The column holding the record's event time (e.g. a conversation's end time). BigQuery partitions
   * by its day; other sinks may index it. Must be a `timestamp` or `date` column.
   */
  readonly eventTimeColumn?: string;
  /**
   * How the vendor's raw records become rows, for a source that can hand over raw records (`raw` messages):
   * the runner maps them with this declaration in JavaScript, or a sink's bulk path loads them with its own
   * reader and SQL generated from the same declaration.
   */
  readonly mapping?: RecordMapping;
}

/** A merge stream must say what identifies a record; the types make a merge without a key unrepresentable. */
export interface MergeStreamDefinition extends StreamDefinitionBase {
  readonly writeDisposition: "merge";
  readonly primaryKey: readonly [string, ...string[]];
}

export interface AppendStreamDefinition extends StreamDefinitionBase {
  readonly writeDisposition: "append";
  readonly primaryKey?: readonly string[];
}

export interface ReplaceStreamDefinition extends StreamDefinitionBase {
  readonly writeDisposition: "replace";
  readonly primaryKey?: readonly string[];
}

export type StreamDefinition = MergeStreamDefinition | AppendStreamDefinition | ReplaceStreamDefinition;

/** A stream bound to the table it loads into (the runner decides the table name). */
export interface TableTarget {
  readonly table: string;
  readonly stream: StreamDefinition;
}
