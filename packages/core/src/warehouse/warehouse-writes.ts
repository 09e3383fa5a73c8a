import { type ColumnDefinition, lineageColumns } from "../schema/logical-type.ts";
import type { ValidatedRow } from "../schema/record-validator.ts";
import type { TableTarget } from "../schema/stream-definition.ts";
import type { DriverTransaction, WarehouseDriver } from "./warehouse-driver.ts";
import { mergeKeyOf } from "./warehouse-keys.ts";
import { sequenceColumn } from "./warehouse-names.ts";

// How a batch's rows reach their table, per write disposition, in SQL every warehouse runs.

type Sql = Pick<
  WarehouseDriver,
  "quoteIdentifier" | "quoteString" | "columnType" | "table" | "mergeScope" | "mergeDeletesByJoin"
>;

function list(sql: Sql, names: readonly string[], prefix = ""): string {
  return names.map((name) => `${prefix}${sql.quoteIdentifier(name)}`).join(", ");
}

const lineageNames = lineageColumns.map((column) => column.name);

/** The lineage values of a load as a SELECT list: its id and start time. */
function lineageValues(sql: Sql, loadId: string, loadedAt: string): string {
  return `${sql.quoteString(loadId)}, CAST(${sql.quoteString(loadedAt)} AS ${sql.columnType("timestamp")})`;
}

/**
 * Keeps the last row for each primary key, in batch order: the contract's "last record wins" within a batch,
 * done once in memory so the warehouse can delete the batch's keys and insert its rows in two plain statements.
 */
export function latestRowPerKey(
  rows: readonly ValidatedRow[],
  primaryKey: readonly string[],
  columns: readonly ColumnDefinition[],
): readonly ValidatedRow[] {
  const keyOf = mergeKeyOf(primaryKey, columns);
  const lastIndex = new Map<unknown, number>();
  for (let index = 0; index < rows.length; index++) lastIndex.set(keyOf(rows[index] as ValidatedRow), index);
  if (lastIndex.size === rows.length) return rows;
  return [...lastIndex.values()].sort((a, b) => a - b).map((index) => rows[index] as ValidatedRow);
}

/**
 * A merge's first half: delete the rows whose keys the batch holds (the second half inserts the batch). `scope`,
 * from the driver, narrows the target to what the batch can touch, e.g. the event-time partitions of its rows.
 */
function mergeDelete(sql: Sql, target: TableTarget, relation: string, scope: string | undefined): string {
  const stream = target.stream;
  const matches = (stream.primaryKey ?? [])
    .map((column) => `target.${sql.quoteIdentifier(column)} = batch.${sql.quoteIdentifier(column)}`)
    .join(" AND ");
  const narrowed = scope === undefined ? "" : ` AND ${scope}`;
  if (sql.mergeDeletesByJoin === true)
    return `DELETE FROM ${sql.table(target.table)} AS target USING ${relation} AS batch WHERE ${matches}${narrowed}`;
  return `DELETE FROM ${sql.table(target.table)} AS target WHERE EXISTS (SELECT 1 FROM ${relation} AS batch WHERE ${matches})${narrowed}`;
}

export interface RowsInput {
  readonly target: TableTarget;
  readonly rows: readonly ValidatedRow[];
  readonly loadId: string;
  readonly loadedAt: string;
  /** Replace only: the load's staging table and the sequence number of this batch's first row. */
  readonly staging?: { readonly table: string; readonly firstSequence: number };
}

/** Applies one batch's rows inside the caller's transaction: append inserts, merge replaces by key, replace stages. */
export async function applyRows(sql: Sql, transaction: DriverTransaction, input: RowsInput): Promise<void> {
  const { target, loadId, loadedAt } = input;
  const stream = target.stream;
  const names = stream.columns.map((column) => column.name);
  const table = sql.table(target.table);
  const insertColumns = `${list(sql, names)}, ${list(sql, lineageNames)}`;
  if (stream.writeDisposition === "replace") {
    const staging = input.staging;
    if (staging === undefined) throw new Error(`replace of ${target.table} without a staging table (a Parley bug)`);
    const rows = input.rows.map((row, index) => ({ [sequenceColumn]: staging.firstSequence + index, ...row }));
    const relation = await transaction.stage(
      [{ name: sequenceColumn, type: "float" }, ...stream.columns],
      { kind: "rows", rows },
      target.table,
    );
    await transaction.run(
      `INSERT INTO ${sql.table(staging.table)} (${sql.quoteIdentifier(sequenceColumn)}, ${insertColumns}) SELECT ${sql.quoteIdentifier(sequenceColumn)}, ${list(sql, names)}, ${lineageValues(sql, loadId, loadedAt)} FROM ${relation}`,
    );
    return;
  }
  if (stream.writeDisposition === "merge" && (await transaction.insertNewRows?.(input))) return;
  const rows =
    stream.writeDisposition === "merge" ? latestRowPerKey(input.rows, stream.primaryKey, stream.columns) : input.rows;
  const relation = await transaction.stage(stream.columns, { kind: "rows", rows }, target.table);
  if (stream.writeDisposition === "merge")
    await transaction.run(mergeDelete(sql, target, relation, sql.mergeScope?.(stream, rows)));
  await transaction.run(
    `INSERT INTO ${table} (${insertColumns}) SELECT ${list(sql, names)}, ${lineageValues(sql, loadId, loadedAt)} FROM ${relation}`,
  );
}

/** The statements that make a load's staged rows the table's contents: the last row per key, in arrival order. */
export function swapStatements(sql: Sql, target: TableTarget, staging: string | undefined): string[] {
  const table = sql.table(target.table);
  const statements = [`DELETE FROM ${table} WHERE TRUE`];
  if (staging === undefined) return statements;
  const columns = `${list(
    sql,
    target.stream.columns.map((column) => column.name),
  )}, ${list(sql, lineageNames)}`;
  const key = target.stream.primaryKey ?? [];
  const rows =
    key.length === 0
      ? `SELECT ${columns} FROM ${sql.table(staging)}`
      : `SELECT ${columns} FROM (SELECT ${columns}, ROW_NUMBER() OVER (PARTITION BY ${list(sql, key)} ORDER BY ${sql.quoteIdentifier(sequenceColumn)} DESC) AS _parley_rank FROM ${sql.table(staging)}) AS ranked WHERE _parley_rank = 1`;
  statements.push(`INSERT INTO ${table} (${columns}) ${rows}`);
  return statements;
}

/** Identifies what a table holds now, so a swap can tell whether another load changed it since staging began. */
export function fingerprintQuery(sql: Sql, table: string): string {
  return `SELECT COUNT(*) AS row_count, MAX(${sql.quoteIdentifier("_parley_load_id")}) AS last_load FROM ${sql.table(table)}`;
}

export function fingerprint(rows: readonly Record<string, unknown>[]): string {
  const [row] = rows;
  return `${String(row?.row_count ?? 0)} row(s), last written by ${String(row?.last_load ?? "no load")}`;
}

/**
 * The column of mapped raw records that holds each record's place in its batch: a number from -1 (exclusive) to
 * the batch's record count (exclusive), increasing in arrival order (not necessarily whole).
 */
export const positionColumn = "_parley_position";

export interface MappedInput {
  readonly target: TableTarget;
  /** Mapped raw records: the stream's columns and `_parley_position`. */
  readonly relation: string;
  /**
   * Set when the driver knows no key repeats in the batch: the relation holding the batch's keys (a merge deletes
   * them, without reading `relation` twice); rows then need no ranking, and `relation` may lack `_parley_position`.
   */
  readonly uniqueKeys?: string;
  readonly loadId: string;
  readonly loadedAt: string;
  readonly staging?: { readonly table: string; readonly firstSequence: number };
}

/** `applyRows` for raw records a driver mapped in the warehouse: the last record per key (by position) wins a merge. */
export async function applyMappedRows(sql: Sql, transaction: DriverTransaction, input: MappedInput): Promise<void> {
  const { target, relation, loadId, loadedAt } = input;
  const stream = target.stream;
  const names = stream.columns.map((column) => column.name);
  const insertColumns = `${list(sql, names)}, ${list(sql, lineageNames)}`;
  const position = sql.quoteIdentifier(positionColumn);
  if (stream.writeDisposition === "replace") {
    const staging = input.staging;
    if (staging === undefined) throw new Error(`replace of ${target.table} without a staging table (a Parley bug)`);
    await transaction.run(
      `INSERT INTO ${sql.table(staging.table)} (${sql.quoteIdentifier(sequenceColumn)}, ${insertColumns}) SELECT ${staging.firstSequence} + ${position}, ${list(sql, names)}, ${lineageValues(sql, loadId, loadedAt)} FROM ${relation}`,
    );
    return;
  }
  const table = sql.table(target.table);
  let rows = `SELECT ${list(sql, names)} FROM ${relation}`;
  if (stream.writeDisposition === "merge" && input.uniqueKeys !== undefined)
    await transaction.run(mergeDelete(sql, target, input.uniqueKeys, undefined));
  else if (stream.writeDisposition === "merge") {
    const key = list(sql, stream.primaryKey);
    await transaction.run(mergeDelete(sql, target, relation, undefined));
    rows = `SELECT ${list(sql, names)} FROM (SELECT ${list(sql, names)}, ROW_NUMBER() OVER (PARTITION BY ${key} ORDER BY ${position} DESC) AS _parley_rank FROM ${relation}) AS ranked WHERE _parley_rank = 1`;
  }
  await transaction.run(
    `INSERT INTO ${table} (${insertColumns}) SELECT ${list(sql, names)}, ${lineageValues(sql, loadId, loadedAt)} FROM (${rows}) AS batch`,
  );
}
