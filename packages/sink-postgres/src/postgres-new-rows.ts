import { lineageColumns } from "@parley/core";
import type { NewRows } from "@parley/core/warehouse";
import type pg from "pg";
import { CopyText, copyRows, createRowEncoder } from "./postgres-copy.ts";

const uniqueViolation = "23505";

/**
 * True if `table` has a unique index that PostgreSQL checks row by row on columns all within `key`: then a row
 * whose key is already stored (or repeated in the same COPY) stops the COPY. Partial, expression and deferred
 * indexes do not qualify, because they let such a row through.
 */
async function keyChecked(client: pg.PoolClient, table: string, key: readonly string[]): Promise<boolean> {
  const result = await client.query(
    `SELECT 1 FROM pg_index AS i
     WHERE i.indrelid = to_regclass($1) AND i.indisunique AND i.indimmediate AND i.indisvalid
       AND i.indpred IS NULL AND i.indexprs IS NULL
       AND NOT EXISTS (SELECT 1 FROM pg_attribute AS a
                       WHERE a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) AND NOT a.attname = ANY($2::text[]))
     LIMIT 1`,
    [table, key],
  );
  return result.rowCount === 1;
}

/**
 * A merge batch whose keys are all new is an insert: one COPY straight into the table (as fast as `psql \copy`
 * into it), inside a savepoint. The table's unique index stops the COPY at the first key already there, and the
 * savepoint undoes it; the caller then merges through staging. Correct only with such an index, so it is checked.
 */
export async function insertNewRows(client: pg.PoolClient, table: string, batch: NewRows): Promise<boolean> {
  const { columns, primaryKey = [] } = batch.target.stream;
  if (primaryKey.length === 0 || !(await keyChecked(client, table, primaryKey))) return false;
  const text = new CopyText(batch.rows, createRowEncoder(columns, [batch.loadId, batch.loadedAt]));
  const names = [...columns, ...lineageColumns].map((column) => column.name);
  await client.query("SAVEPOINT parley_new_rows");
  try {
    await copyRows(client, table, names, text);
  } catch (error) {
    if ((error as { code?: unknown }).code !== uniqueViolation) throw error;
    await client.query("ROLLBACK TO SAVEPOINT parley_new_rows");
    return false;
  }
  await client.query("RELEASE SAVEPOINT parley_new_rows");
  return true;
}
