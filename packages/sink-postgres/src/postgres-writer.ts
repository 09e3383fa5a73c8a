import { lineageColumns, type TableTarget, type ValidatedRow } from "@parley/core";
import type { PoolClient } from "pg";
import { CopyText, copyRows, createRowEncoder } from "./postgres-copy.ts";
import { lockSchema, replaceStagingTable, sequenceColumn, tableExists, tableKey } from "./postgres-tables.ts";
import { postgresColumnTypes, qualified, quoteIdentifier } from "./postgres-types.ts";

const lineageNames = lineageColumns.map((column) => column.name);
const lineageList = lineageNames.map(quoteIdentifier).join(", ");

function list(names: readonly string[]): string {
  return names.map(quoteIdentifier).join(", ");
}

/** `SELECT DISTINCT ON (key) ... ORDER BY key, seq DESC`: the last row of each key, in the order rows arrived. */
function lastPerKey(select: string, from: string, key: readonly string[]): string {
  const sequence = quoteIdentifier(sequenceColumn);
  if (key.length === 0) return `SELECT ${select} FROM ${from} ORDER BY ${sequence}`;
  return `SELECT DISTINCT ON (${list(key)}) ${select} FROM ${from} ORDER BY ${list(key)}, ${sequence} DESC`;
}

export interface ApplyInput {
  readonly schema: string;
  readonly target: TableTarget;
  readonly rows: readonly ValidatedRow[];
  readonly loadId: string;
  readonly loadedAt: string;
}

async function mergeRows(client: PoolClient, table: string, target: TableTarget, text: CopyText): Promise<void> {
  const columns = target.stream.columns;
  const names = columns.map((column) => column.name);
  const key = target.stream.primaryKey ?? [];
  // Fast path: when no key of the batch exists yet (first loads, backfills), upsert and insert are the same, and one
  // COPY into the table costs no more than psql's \copy into it. The unique index stops it at the first conflict,
  // which in a batch of updates comes early, so the fallback wastes little.
  await client.query("SAVEPOINT parley_direct");
  try {
    await copyRows(client, table, [...names, ...lineageNames], text);
    await client.query("RELEASE SAVEPOINT parley_direct");
    return;
  } catch (error) {
    if ((error as { code?: unknown }).code !== "23505") throw error;
    await client.query("ROLLBACK TO SAVEPOINT parley_direct");
  }
  const definitions = [...columns, ...lineageColumns].map(
    (column) => `${quoteIdentifier(column.name)} ${postgresColumnTypes[column.type]}`,
  );
  // Sorting a batch for DISTINCT ON spills to disk with the 4 MB default; 64 MB holds 50,000 typical rows.
  await client.query("SET LOCAL work_mem = '64MB'");
  await client.query(
    `CREATE TEMP TABLE _parley_batch (${definitions.join(", ")}, ${quoteIdentifier(sequenceColumn)} bigint GENERATED ALWAYS AS IDENTITY) ON COMMIT DROP`,
  );
  await copyRows(client, "_parley_batch", [...names, ...lineageNames], text);
  const updates = [...names.filter((name) => !key.includes(name)), ...lineageNames].map(
    (name) => `${quoteIdentifier(name)} = EXCLUDED.${quoteIdentifier(name)}`,
  );
  await client.query(
    `INSERT INTO ${table} (${list(names)}, ${lineageList}) ${lastPerKey(`${list(names)}, ${lineageList}`, "_parley_batch", key)}
     ON CONFLICT (${list(key)}) DO UPDATE SET ${updates.join(", ")}`,
  );
  await client.query("DROP TABLE _parley_batch");
}

async function stageReplaced(
  client: PoolClient,
  schema: string,
  target: TableTarget,
  loadId: string,
  text: CopyText,
): Promise<void> {
  const stagingName = replaceStagingTable(target.table);
  const staging = qualified(schema, stagingName);
  await lockSchema(client, schema, target.table);
  const ours =
    (await tableExists(client, staging)) &&
    (await client.query(`SELECT 1 FROM ${staging} WHERE _parley_load_id = $1 LIMIT 1`, [loadId])).rowCount === 1;
  if (!ours) {
    // Whatever is there was left by a run that died before completing: start from an empty table of today's shape.
    await client.query(`DROP TABLE IF EXISTS ${staging}`);
    const definitions = [...target.stream.columns, ...lineageColumns].map(
      (column) => `${quoteIdentifier(column.name)} ${postgresColumnTypes[column.type]}`,
    );
    await client.query(
      `CREATE TABLE ${staging} (${definitions.join(", ")}, ${quoteIdentifier(sequenceColumn)} bigint GENERATED ALWAYS AS IDENTITY)`,
    );
  }
  await copyRows(client, staging, [...target.stream.columns.map((column) => column.name), ...lineageNames], text);
}

export interface ApplyInput {
  readonly schema: string;
  readonly target: TableTarget;
  readonly rows: readonly ValidatedRow[];
  readonly loadId: string;
  readonly loadedAt: string;
}

/** Applies one batch to its table according to the stream's write disposition, inside the caller's transaction. */
export async function applyRows(client: PoolClient, input: ApplyInput): Promise<void> {
  const { schema, target, loadId } = input;
  const table = qualified(schema, target.table);
  // Every path copies the same text: the stream's columns, then the batch's lineage.
  const text = new CopyText(input.rows, createRowEncoder(target.stream.columns, [loadId, input.loadedAt]));
  switch (target.stream.writeDisposition) {
    case "append":
      await copyRows(client, table, [...target.stream.columns.map((column) => column.name), ...lineageNames], text);
      return;
    case "merge":
      await mergeRows(client, table, target, text);
      return;
    case "replace":
      await stageReplaced(client, schema, target, loadId, text);
      return;
  }
}

/** Makes a replace stream's staged rows the table's contents (empty when the run produced none). */
export async function swapReplaced(
  client: PoolClient,
  schema: string,
  target: TableTarget,
  loadId: string,
): Promise<void> {
  const table = qualified(schema, target.table);
  const staging = qualified(schema, replaceStagingTable(target.table));
  const names = list(target.stream.columns.map((column) => column.name));
  await lockSchema(client, schema, target.table);
  // DELETE rather than TRUNCATE: readers keep seeing the old rows until commit instead of waiting on a lock.
  await client.query(`DELETE FROM ${table}`);
  if (!(await tableExists(client, staging))) return;
  const rows = lastPerKey(`${names}, ${lineageList}`, `${staging} WHERE _parley_load_id = $1`, tableKey(target));
  await client.query(`INSERT INTO ${table} (${names}, ${lineageList}) ${rows}`, [loadId]);
  await client.query(`DROP TABLE ${staging}`);
}
