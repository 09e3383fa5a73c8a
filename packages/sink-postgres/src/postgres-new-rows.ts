import { type ColumnDefinition, lineageColumns } from "@parley/core";
import type { NewRows } from "@parley/core/warehouse";
import type pg from "pg";
import { CopyText, copyRows, createRowEncoder } from "./postgres-copy.ts";
import { createBinaryRowsEncoder, NotBinaryEncodable } from "./postgres-copy-binary.ts";
import { createdPostgresType, quoteIdentifier } from "./postgres-types.ts";

const uniqueViolation = "23505";

interface TargetShape {
  /** A unique index PostgreSQL checks row by row on columns all within the key (see `insertNewRows`). */
  readonly keyChecked: boolean;
  readonly types: Readonly<Record<string, string>>;
}

async function targetShape(client: pg.PoolClient, table: string, key: readonly string[]): Promise<TargetShape> {
  const result = await client.query<{ key_checked: boolean; types: Record<string, string> | null }>(
    `SELECT EXISTS (SELECT 1 FROM pg_index AS i
              WHERE i.indrelid = to_regclass($1) AND i.indisunique AND i.indimmediate AND i.indisvalid
                AND i.indpred IS NULL AND i.indexprs IS NULL
                AND NOT EXISTS (SELECT 1 FROM pg_attribute AS a WHERE a.attrelid = i.indrelid
                                AND a.attnum = ANY(i.indkey) AND NOT a.attname = ANY($2::text[]))) AS key_checked,
            (SELECT json_object_agg(attname, format_type(atttypid, atttypmod)) FROM pg_attribute
              WHERE attrelid = to_regclass($1) AND attnum > 0 AND NOT attisdropped) AS types`,
    [table, key],
  );
  const [row] = result.rows;
  return { keyChecked: row?.key_checked === true, types: row?.types ?? {} };
}

function copiesAsBinary(shape: TargetShape, columns: readonly ColumnDefinition[]): boolean {
  // The BINARY encoder writes the types this sink creates, nothing looser.
  return columns.every((column) => createdPostgresType(shape.types[column.name] ?? "", column.type));
}

/** Copies the batch in BINARY where the table's types allow, else (or for a value BINARY cannot hold) as TEXT. */
async function copyBatch(client: pg.PoolClient, table: string, batch: NewRows, binary: boolean): Promise<void> {
  const { columns } = batch.target.stream;
  const names = [...columns, ...lineageColumns].map((column) => column.name);
  if (binary) {
    const [loadId, loadedAt] = lineageColumns;
    const encode = createBinaryRowsEncoder(columns, [
      { column: loadId, value: batch.loadId },
      { column: loadedAt, value: batch.loadedAt },
    ]);
    try {
      await copyRows(client, table, names, encode(batch.rows), "binary");
      return;
    } catch (error) {
      if (!(error instanceof NotBinaryEncodable)) throw error;
      await client.query("ROLLBACK TO SAVEPOINT parley_new_rows");
    }
  }
  await copyRows(
    client,
    table,
    names,
    new CopyText(batch.rows, createRowEncoder(columns, [batch.loadId, batch.loadedAt])),
  );
}

const sampledKeys = 16;

/**
 * True if one of some of the batch's keys (spread over it) is stored: a batch of updates then goes to staging at
 * once, instead of after a COPY that PostgreSQL only reports failed once it has read the whole batch. A guess that
 * saves time, never one the result depends on: the unique index still decides.
 */
async function holdsSampledKey(
  client: pg.PoolClient,
  table: string,
  key: readonly string[],
  rows: NewRows["rows"],
): Promise<boolean> {
  const step = Math.max(1, Math.floor(rows.length / sampledKeys));
  const tuples: string[] = [];
  const values: string[] = [];
  for (let index = rows.length - 1; index >= 0; index -= step) {
    const parts = key.map((column) => rows[index]?.[column]);
    if (parts.some((part) => part === null || typeof part === "object" || part === undefined)) continue;
    tuples.push(`(${parts.map((part) => `$${values.push(String(part))}`).join(", ")})`);
  }
  if (tuples.length === 0) return false;
  const columns = key.map(quoteIdentifier).join(", ");
  const sql = `SELECT 1 FROM ${table} WHERE (${columns}) IN (${tuples.join(", ")}) LIMIT 1`;
  return (await client.query(sql, values)).rowCount === 1;
}

/**
 * A merge batch whose keys are all new is an insert: one COPY straight into the table (faster than `psql \copy`
 * into it, in BINARY), inside a savepoint. The table's unique index stops the COPY at the first key already there
 * or repeated, and the savepoint undoes it; the caller then merges through staging. Correct only with such an
 * index (not partial, not deferred, on columns within the key), so that is checked first.
 */
export async function insertNewRows(client: pg.PoolClient, table: string, batch: NewRows): Promise<boolean> {
  const { columns, primaryKey = [] } = batch.target.stream;
  if (primaryKey.length === 0) return false;
  const shape = await targetShape(client, table, primaryKey);
  if (!shape.keyChecked) return false;
  await client.query("SAVEPOINT parley_new_rows");
  const stored = await holdsSampledKey(client, table, primaryKey, batch.rows).catch(() => undefined);
  if (stored !== false) {
    // A key PostgreSQL cannot read as its column's type (undefined) fails the staged merge with COPY's message.
    await client.query("ROLLBACK TO SAVEPOINT parley_new_rows");
    return false;
  }
  try {
    await copyBatch(client, table, batch, copiesAsBinary(shape, [...columns, ...lineageColumns]));
  } catch (error) {
    if ((error as { code?: unknown }).code !== uniqueViolation) throw error;
    await client.query("ROLLBACK TO SAVEPOINT parley_new_rows");
    return false;
  }
  await client.query("RELEASE SAVEPOINT parley_new_rows");
  return true;
}
