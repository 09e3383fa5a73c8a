import { internalTables } from "../sink/internal-tables.ts";
import type { LoadRecord, RejectedRecord } from "../sink/sink.ts";
import type { StateUpdate } from "../state/stored-state.ts";
import type { DriverTransaction, WarehouseDriver } from "./warehouse-driver.ts";

// Parley's own tables (`_parley_state`, `_parley_loads`, `_parley_rejects`): the SQL that reads and writes them,
// in the portable subset every warehouse runs (literals, DELETE + INSERT instead of upserts).

type Sql = Pick<WarehouseDriver, "quoteString" | "parseJson" | "columnType" | "table">;

function timestamp(sql: Sql, iso: string | null): string {
  return iso === null ? "NULL" : `CAST(${sql.quoteString(iso)} AS ${sql.columnType("timestamp")})`;
}

function text(sql: Sql, value: string | null): string {
  return value === null ? "NULL" : sql.quoteString(value);
}

function json(sql: Sql, value: unknown): string {
  return value === undefined || value === null ? "NULL" : sql.parseJson(sql.quoteString(jsonText(value)));
}

/**
 * JSON text of a value; integers beyond 2^53 (bigint) as their exact digits, and NUL characters as U+FFFD, because
 * PostgreSQL's jsonb refuses the \u0000 escape and a state holding one would fail every later run.
 */
export function jsonText(value: unknown): string {
  const digits: string[] = [];
  const text = JSON.stringify(value, (_key, item: unknown) =>
    typeof item === "bigint" ? `\u0000bigint:${digits.push(item.toString()) - 1}\u0000` : item,
  );
  return text
    .replace(/"\\u0000bigint:(\d+)\\u0000"/g, (_match, index: string) => digits[Number(index)] as string)
    .replace(/(?<!\\)((?:\\\\)*)\\u0000/g, "$1\\ufffd");
}

export function stateStatements(sql: Sql, state: StateUpdate, loadId: string, now: string): string[] {
  const table = sql.table(internalTables.state.name);
  const where = `source = ${sql.quoteString(state.source)} AND stream = ${sql.quoteString(state.stream)}`;
  return [
    `DELETE FROM ${table} WHERE ${where}`,
    `INSERT INTO ${table} (source, stream, state_version, state, load_id, updated_at) VALUES (${sql.quoteString(state.source)}, ${sql.quoteString(state.stream)}, ${Math.floor(state.version)}, ${json(sql, state.value)}, ${sql.quoteString(loadId)}, ${timestamp(sql, now)})`,
  ];
}

/** The ledger row of a load, written whole (a start is a row with status `running`). */
export function loadStatements(sql: Sql, load: LoadRecord): string[] {
  const table = sql.table(internalTables.loads.name);
  const values = [
    sql.quoteString(load.loadId),
    sql.quoteString(load.source),
    timestamp(sql, load.startedAt),
    timestamp(sql, load.finishedAt),
    sql.quoteString(load.status),
    json(sql, load.streams),
    text(sql, load.error),
    json(sql, load.metadata),
  ];
  return [
    `DELETE FROM ${table} WHERE load_id = ${sql.quoteString(load.loadId)}`,
    `INSERT INTO ${table} (load_id, source, started_at, finished_at, status, streams, error, metadata) VALUES (${values.join(", ")})`,
  ];
}

/** Rejects are bulk-loaded like rows (a payload may be up to 1 MB), then stamped with their load and time. */
export async function insertRejects(
  sql: Sql,
  transaction: DriverTransaction,
  input: { source: string; loadId: string; rejects: readonly RejectedRecord[]; now: string },
): Promise<void> {
  const columns = internalTables.rejects.columns.filter((column) =>
    ["stream", "reason", "payload"].includes(column.name),
  );
  const rows = input.rejects.map((reject) => ({
    stream: reject.stream,
    reason: reject.reason,
    payload: reject.payload,
  }));
  const staged = await transaction.stage(columns, { kind: "rows", rows }, internalTables.rejects.name);
  await transaction.run(
    `INSERT INTO ${sql.table(internalTables.rejects.name)} (load_id, source, stream, reason, payload, rejected_at) SELECT ${sql.quoteString(input.loadId)}, ${sql.quoteString(input.source)}, stream, reason, payload, ${timestamp(sql, input.now)} FROM ${staged}`,
  );
}

export function selectState(sql: Sql, source: string): string {
  return `SELECT * FROM ${sql.table(internalTables.state.name)} WHERE source = ${sql.quoteString(source)} ORDER BY stream`;
}

export function resetStateStatement(sql: Sql, source: string, streams: readonly string[] | undefined): string {
  const filter =
    streams === undefined
      ? ""
      : ` AND stream IN (${streams.length === 0 ? "NULL" : streams.map((stream) => sql.quoteString(stream)).join(", ")})`;
  return `DELETE FROM ${sql.table(internalTables.state.name)} WHERE source = ${sql.quoteString(source)}${filter}`;
}

export function selectLoads(
  sql: Sql,
  filter: { source?: string | undefined; status?: string; limit?: number },
): string {
  const conditions = [
    ...(filter.source === undefined ? [] : [`source = ${sql.quoteString(filter.source)}`]),
    ...(filter.status === undefined ? [] : [`status = ${sql.quoteString(filter.status)}`]),
  ];
  const where = conditions.length === 0 ? "" : ` WHERE ${conditions.join(" AND ")}`;
  const limit = filter.limit === undefined ? "" : ` LIMIT ${Math.max(1, Math.floor(filter.limit))}`;
  return `SELECT * FROM ${sql.table(internalTables.loads.name)}${where} ORDER BY started_at DESC, load_id DESC${limit}`;
}
