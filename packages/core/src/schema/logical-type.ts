import type { JsonShape } from "./json-value.ts";

/**
 * The column types a stream can declare. Each sink maps them to its own types
 * (see each sink's `*-types.ts`); connectors never speak a warehouse's dialect.
 *
 * | logical     | JavaScript value given to a sink          | DuckDB      | PostgreSQL       | BigQuery  |
 * |-------------|-------------------------------------------|-------------|------------------|-----------|
 * | `string`    | string                                    | VARCHAR     | text             | STRING    |
 * | `integer`   | number (safe integer) or bigint            | BIGINT      | bigint           | INT64     |
 * | `float`     | number (finite)                           | DOUBLE      | double precision | FLOAT64   |
 * | `boolean`   | boolean                                   | BOOLEAN     | boolean          | BOOL      |
 * | `timestamp` | string, ISO 8601 in UTC (`...Z`)          | TIMESTAMPTZ | timestamptz      | TIMESTAMP |
 * | `date`      | string `YYYY-MM-DD`                       | DATE        | date             | DATE      |
 * | `json`      | any JSON value (objects, lists)           | JSON        | jsonb            | JSON      |
 *
 * Nested data (lists of objects such as an Ultimate conversation's triggered intents, or a CCAI
 * transcript's sentences) is stored as a `json` column on the parent row, never as child tables.
 * Why: one row per record keeps merge (upsert by key) a single-table operation in every sink, list
 * order is preserved by construction (first/last-intent metrics depend on it), loading stays fast
 * (passing nested values as JSON measured ~10x faster than building LIST/STRUCT values in DuckDB's
 * Appender), and all three warehouses query JSON natively. The dialect differences of JSON access
 * live in one place: the dialect variants of the views in `sql/`.
 */
export const logicalTypes = ["string", "integer", "float", "boolean", "timestamp", "date", "json"] as const;

export type LogicalType = (typeof logicalTypes)[number];

/** One column of a stream's table. */
export interface ColumnDefinition {
  /** Column name as stored: letters, digits and underscores, starting with a letter or underscore. */
  readonly name: string;
  readonly type: LogicalType;
  /** Defaults to true. Primary-key columns are never nullable. */
  readonly nullable?: boolean;
  /** Shown in generated docs and, where the sink supports it, as a column comment. */
  readonly description?: string;
  /** For `json` columns: the shape every value must have (a record that breaks it is a reject). */
  readonly shape?: JsonShape;
}

/** Columns every sink adds to every table, so each row says which run wrote it and when. */
export const lineageColumns = [
  { name: "_parley_load_id", type: "string", nullable: false, description: "The run (load) that last wrote this row" },
  { name: "_parley_loaded_at", type: "timestamp", nullable: false, description: "When that run started, UTC" },
] as const satisfies readonly ColumnDefinition[];

const identifierPattern = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/** True for names every sink can use as a table or column name (quoted, so case is kept). */
export function isValidIdentifier(name: string): boolean {
  return identifierPattern.test(name);
}
