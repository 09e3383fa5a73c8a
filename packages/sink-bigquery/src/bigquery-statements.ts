import {
  type ColumnDefinition,
  lineageColumns,
  type StateUpdate,
  type TableTarget,
  type ValidatedRow,
} from "@parley/core";
import { sequenceColumn } from "./bigquery-staging.ts";
import { quoteIdentifier, quoteString } from "./bigquery-types.ts";

const lineageNames = lineageColumns.map((column) => column.name);

function columnList(names: readonly string[], prefix = ""): string {
  return names.map((name) => `${prefix}${quoteIdentifier(name)}`).join(", ");
}

/** Keeps the last record for each key (highest sequence), as the contract requires within a batch. */
export function latestPerKey(primaryKey: readonly string[]): string {
  if (primaryKey.length === 0) return "";
  return ` WHERE TRUE QUALIFY ROW_NUMBER() OVER (PARTITION BY ${columnList(primaryKey)} ORDER BY ${quoteIdentifier(sequenceColumn)} DESC) = 1`;
}

function nextDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}

/**
 * A predicate on the target's event-time column covering the days of the batch's rows (and the NULL partition
 * when some rows have no event time), so MERGE prunes every other partition instead of scanning the table.
 */
export function eventTimeScope(
  column: ColumnDefinition,
  rows: readonly ValidatedRow[],
  alias: string,
): string | undefined {
  const days = new Set<string>();
  let nulls = false;
  for (const row of rows) {
    const value = row[column.name];
    if (value === null || value === undefined) nulls = true;
    else days.add(column.type === "date" ? String(value) : new Date(String(value)).toISOString().slice(0, 10));
  }
  const sorted = [...days].sort();
  const target = `${alias}.${quoteIdentifier(column.name)}`;
  const parts: string[] = [];
  if (sorted.length > 0) {
    const first = sorted[0] as string;
    const last = sorted[sorted.length - 1] as string;
    parts.push(
      column.type === "date"
        ? `${target} BETWEEN DATE ${quoteString(first)} AND DATE ${quoteString(last)}`
        : `${target} >= TIMESTAMP ${quoteString(`${first} 00:00:00+00`)} AND ${target} < TIMESTAMP ${quoteString(`${nextDay(last)} 00:00:00+00`)}`,
    );
  }
  if (nulls) parts.push(`${target} IS NULL`);
  return parts.length === 0
    ? undefined
    : parts.length === 1
      ? (parts[0] as string)
      : `(${parts.map((part) => `(${part})`).join(" OR ")})`;
}

export interface MergeInput {
  readonly table: string;
  readonly staging: string;
  readonly columns: readonly ColumnDefinition[];
  readonly primaryKey: readonly string[];
  /** The partition predicate from `eventTimeScope`, or undefined to merge against the whole table. */
  readonly scope: string | undefined;
}

/** One MERGE on the primary key from the batch's staging table, deduplicated and partition-scoped. */
export function mergeStatement(input: MergeInput): string {
  const names = [...input.columns.map((column) => column.name), ...lineageNames];
  const keys = input.primaryKey.map((name) => `target.${quoteIdentifier(name)} = source.${quoteIdentifier(name)}`);
  const updates = names
    .filter((name) => !input.primaryKey.includes(name))
    .map((name) => `${quoteIdentifier(name)} = source.${quoteIdentifier(name)}`);
  return [
    `MERGE ${input.table} AS target`,
    `USING (SELECT ${columnList(names)} FROM ${input.staging}${latestPerKey(input.primaryKey)}) AS source`,
    `ON ${[...keys, ...(input.scope === undefined ? [] : [input.scope])].join(" AND ")}`,
    ...(updates.length === 0 ? [] : [`WHEN MATCHED THEN UPDATE SET ${updates.join(", ")}`]),
    `WHEN NOT MATCHED THEN INSERT (${columnList(names)}) VALUES (${columnList(names, "source.")})`,
  ].join("\n");
}

export function appendStatement(table: string, staging: string, columns: readonly ColumnDefinition[]): string {
  const names = columnList([...columns.map((column) => column.name), ...lineageNames]);
  return `INSERT INTO ${table} (${names}) SELECT ${names} FROM ${staging}`;
}

/** Adds a batch to a replace stream's waiting rows, first dropping rows a run that never completed left behind. */
export function replaceStageStatements(
  waiting: string,
  staging: string,
  columns: readonly ColumnDefinition[],
  loadId: string,
): string[] {
  const names = columnList([...columns.map((column) => column.name), ...lineageNames]);
  const sequence = quoteIdentifier(sequenceColumn);
  return [
    `DELETE FROM ${waiting} WHERE \`_parley_load_id\` <> ${quoteString(loadId)}`,
    `INSERT INTO ${waiting} (${sequence}, ${names}) SELECT ${sequence} + (SELECT COALESCE(MAX(${sequence}) + 1, 0) FROM ${waiting}), ${names} FROM ${staging}`,
  ];
}

/** Makes a replace stream's waiting rows the table's contents (empty when the run produced none). */
export function swapStatements(
  target: TableTarget,
  table: string,
  waiting: string | undefined,
  loadId: string,
): string[] {
  const names = columnList([...target.stream.columns.map((column) => column.name), ...lineageNames]);
  const statements = [`DELETE FROM ${table} WHERE TRUE`];
  if (waiting !== undefined) {
    const latest = latestPerKey(target.stream.primaryKey ?? []);
    const filter = `\`_parley_load_id\` = ${quoteString(loadId)}`;
    statements.push(
      `INSERT INTO ${table} (${names}) SELECT ${names} FROM ${waiting}${latest === "" ? ` WHERE ${filter}` : latest.replace("WHERE TRUE", `WHERE ${filter}`)}`,
    );
  }
  return statements;
}

export function rejectsStatement(rejectsTable: string, staging: string): string {
  return `INSERT INTO ${rejectsTable} (load_id, source, stream, reason, payload, rejected_at) SELECT load_id, source, stream, reason, payload, CURRENT_TIMESTAMP() FROM ${staging}`;
}

export function stateStatements(stateTable: string, state: StateUpdate, loadId: string): string[] {
  return [
    `DELETE FROM ${stateTable} WHERE source = ${quoteString(state.source)} AND stream = ${quoteString(state.stream)}`,
    `INSERT INTO ${stateTable} (source, stream, state_version, state, load_id, updated_at) VALUES (${quoteString(state.source)}, ${quoteString(state.stream)}, ${state.version}, PARSE_JSON(${quoteString(JSON.stringify(state.value))}), ${quoteString(loadId)}, CURRENT_TIMESTAMP())`,
  ];
}

/** Statements as one multi-statement transaction: all apply, or none does. */
export function transaction(statements: readonly string[]): string {
  return ["BEGIN TRANSACTION", ...statements, "COMMIT TRANSACTION"].map((statement) => `${statement};`).join("\n");
}
