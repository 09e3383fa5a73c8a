import type { DuckDBConnection } from "@duckdb/node-api";
import {
  type ColumnDefinition,
  lineageColumns,
  type RejectedRecord,
  type StateUpdate,
  type TableTarget,
} from "@parley/core";
import { columnList, readStagingSql, sequenceColumn } from "./duckdb-staging.ts";
import { ensureTable, qualified } from "./duckdb-tables.ts";
import { duckdbColumnTypes, quoteIdentifier, quoteLiteral } from "./duckdb-types.ts";

/** Where a replace stream's rows wait until the stream completes; one per table, owned by one load. */
export function replaceStagingTable(table: string): string {
  return `_parley_replace__${table}`;
}

/** The lineage columns every table (and the replace staging table) carries, as a column list. */
const lineage = lineageColumns.map((column) => quoteIdentifier(column.name)).join(", ");

function lineageValues(loadId: string, loadedAt: string): string {
  return `${quoteLiteral(loadId)}, ${quoteLiteral(loadedAt)}::TIMESTAMPTZ`;
}

function latestPerKey(primaryKey: readonly string[]): string {
  if (primaryKey.length === 0) return "";
  return ` QUALIFY row_number() OVER (PARTITION BY ${primaryKey.map(quoteIdentifier).join(", ")} ORDER BY ${quoteIdentifier(sequenceColumn)} DESC) = 1`;
}

interface ApplyInput {
  readonly schema: string;
  readonly target: TableTarget;
  readonly stagingPath: string;
  /** Merge only: the batch's keys as a JSON array of objects, for the DELETE of rows being replaced. */
  readonly keysJson: string;
  readonly loadId: string;
  readonly loadedAt: string;
}

/** Applies one staged batch to its table according to the stream's write disposition. */
export async function applyRows(connection: DuckDBConnection, input: ApplyInput): Promise<void> {
  const { schema, target, loadId, loadedAt } = input;
  const columns = target.stream.columns;
  const names = columnList(columns);
  const table = qualified(schema, target.table);
  const source = readStagingSql(input.stagingPath, columns, target.stream.writeDisposition === "replace");
  switch (target.stream.writeDisposition) {
    case "append":
      await connection.run(
        `INSERT INTO ${table} (${names}, ${lineage}) SELECT ${names}, ${lineageValues(loadId, loadedAt)} FROM ${source}`,
      );
      return;
    case "merge": {
      const key = target.stream.primaryKey;
      // Rows arrive de-duplicated (last record per key), so one pass of DuckDB's reader inserts them directly.
      const keyColumns = key.map((name) => columns.find((column) => column.name === name) as ColumnDefinition);
      const keyStructure = JSON.stringify([
        Object.fromEntries(keyColumns.map((column) => [column.name, duckdbColumnTypes[column.type]])),
      ]);
      const matches = key
        .map((column) => `${table}.${quoteIdentifier(column)} = batch_keys.k.${quoteIdentifier(column)}`)
        .join(" AND ");
      await connection.run(
        `DELETE FROM ${table} USING (SELECT unnest(from_json(?::JSON, ${quoteLiteral(keyStructure)})) AS k) AS batch_keys WHERE ${matches}`,
        [input.keysJson],
      );
      await connection.run(
        `INSERT INTO ${table} (${names}, ${lineage}) SELECT ${names}, ${lineageValues(loadId, loadedAt)} FROM ${source}`,
      );
      return;
    }
    case "replace": {
      const staging = qualified(schema, replaceStagingTable(target.table));
      // The staged rows carry their lineage, so the swap needs nothing but the load id.
      await ensureTable(connection, schema, replaceStagingTable(target.table), [
        { name: sequenceColumn, type: "integer" },
        ...lineageColumns,
        ...columns,
      ]);
      // Rows left by a run that died before completing are not this run's: drop them.
      await connection.run(`DELETE FROM ${staging} WHERE _parley_load_id <> ?`, [loadId]);
      await connection.run(
        `INSERT INTO ${staging} (${quoteIdentifier(sequenceColumn)}, ${lineage}, ${names})
         SELECT ${quoteIdentifier(sequenceColumn)} + (SELECT COALESCE(MAX(${quoteIdentifier(sequenceColumn)}) + 1, 0) FROM ${staging}), ${lineageValues(loadId, loadedAt)}, ${names} FROM ${source}`,
      );
      return;
    }
  }
}

/** Makes a replace stream's staged rows the table's contents (empty when the run produced none). */
export async function swapReplaced(
  connection: DuckDBConnection,
  schema: string,
  target: TableTarget,
  loadId: string,
): Promise<void> {
  const table = qualified(schema, target.table);
  const stagingName = replaceStagingTable(target.table);
  const staging = qualified(schema, stagingName);
  const names = columnList(target.stream.columns);
  await connection.run(`DELETE FROM ${table}`);
  const exists = await connection.runAndReadAll(
    "SELECT 1 FROM information_schema.tables WHERE table_schema = ? AND table_name = ?",
    [schema, stagingName],
  );
  if (exists.currentRowCount === 0) return;
  await connection.run(
    `INSERT INTO ${table} (${names}, ${lineage}) SELECT ${names}, ${lineage} FROM ${staging} WHERE _parley_load_id = ${quoteLiteral(loadId)}${latestPerKey(target.stream.primaryKey ?? [])}`,
  );
  await connection.run(`DROP TABLE ${staging}`);
}

export async function insertRejects(
  connection: DuckDBConnection,
  schema: string,
  source: string,
  loadId: string,
  rejects: readonly RejectedRecord[],
): Promise<void> {
  const table = qualified(schema, "_parley_rejects");
  for (const reject of rejects) {
    await connection.run(
      `INSERT INTO ${table} (load_id, source, stream, reason, payload, rejected_at) VALUES (?, ?, ?, ?, ?, now())`,
      [loadId, source, reject.stream, reject.reason, reject.payload],
    );
  }
}

export async function upsertState(
  connection: DuckDBConnection,
  schema: string,
  state: StateUpdate,
  loadId: string,
): Promise<void> {
  const table = qualified(schema, "_parley_state");
  await connection.run(`DELETE FROM ${table} WHERE source = ? AND stream = ?`, [state.source, state.stream]);
  await connection.run(
    `INSERT INTO ${table} (source, stream, state_version, state, load_id, updated_at) VALUES (?, ?, ?, ?::JSON, ?, now())`,
    [state.source, state.stream, state.version, JSON.stringify(state.value), loadId],
  );
}
