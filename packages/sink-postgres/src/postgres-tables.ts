import { createHash } from "node:crypto";
import {
  type ColumnDefinition,
  internalTables,
  isValidIdentifier,
  lineageColumns,
  SchemaError,
  type TableTarget,
} from "@parley/core";
import type { PoolClient } from "pg";
import { postgresColumnTypes, qualified, quoteIdentifier, samePostgresType } from "./postgres-types.ts";

/** Names the sink itself adds to tables; a stream cannot declare them. */
export const sequenceColumn = "_parley_seq";
const reservedNames = new Set([sequenceColumn, ...lineageColumns.map((column) => column.name)]);

/** Where a replace stream's rows wait until the stream completes; one per table, owned by one load. */
export function replaceStagingTable(table: string): string {
  const name = `_parley_replace__${table}`;
  if (name.length <= 63) return name;
  // PostgreSQL would cut longer names to 63 bytes silently, so two long tables could share one staging table.
  return `${name.slice(0, 54)}_${createHash("sha256").update(table).digest("hex").slice(0, 8)}`;
}

/** Serialises DDL on one schema across processes; released when the transaction ends. */
export async function lockSchema(client: PoolClient, schema: string, table = ""): Promise<void> {
  await client.query("SELECT pg_advisory_xact_lock(hashtext($1))", [`parley:${schema}.${table}`]);
}

export async function tableExists(client: PoolClient, table: string): Promise<boolean> {
  const result = await client.query<{ found: boolean }>("SELECT to_regclass($1) IS NOT NULL AS found", [table]);
  return result.rows[0]?.found === true;
}

function columnSql(column: ColumnDefinition, creating: boolean): string {
  // Added columns stay nullable: the rows already there have no value for them.
  const notNull = creating && column.nullable === false ? " NOT NULL" : "";
  return `${quoteIdentifier(column.name)} ${postgresColumnTypes[column.type]}${notNull}`;
}

async function existingColumns(client: PoolClient, table: string): Promise<Map<string, string>> {
  const result = await client.query<{ name: string; type: string }>(
    `SELECT attname AS name, format_type(atttypid, atttypmod) AS type FROM pg_attribute
     WHERE attrelid = to_regclass($1) AND attnum > 0 AND NOT attisdropped ORDER BY attnum`,
    [table],
  );
  return new Map(result.rows.map((row) => [row.name, row.type]));
}

async function existingPrimaryKey(client: PoolClient, table: string): Promise<string[]> {
  const result = await client.query<{ name: string }>(
    `SELECT attname AS name FROM pg_index JOIN pg_attribute ON attrelid = indrelid AND attnum = ANY(indkey)
     WHERE indrelid = to_regclass($1) AND indisprimary ORDER BY array_position(indkey::int2[], attnum)`,
    [table],
  );
  return result.rows.map((row) => row.name);
}

/**
 * Creates the table, or evolves it: adds missing columns (old rows read NULL) and refuses a changed
 * type or key, because silently casting would rewrite history with a different meaning.
 */
export async function ensureTable(
  client: PoolClient,
  schema: string,
  table: string,
  columns: readonly ColumnDefinition[],
  primaryKey: readonly string[] = [],
): Promise<void> {
  const name = qualified(schema, table);
  const existing = await existingColumns(client, name);
  const keySql = primaryKey.length === 0 ? "" : `, PRIMARY KEY (${primaryKey.map(quoteIdentifier).join(", ")})`;
  if (existing.size === 0) {
    await client.query(
      `CREATE TABLE ${name} (${columns.map((column) => columnSql(column, true)).join(", ")}${keySql})`,
    );
    return;
  }
  for (const column of columns) {
    const stored = existing.get(column.name);
    if (stored === undefined) {
      await client.query(`ALTER TABLE ${name} ADD COLUMN ${columnSql(column, false)}`);
    } else if (!samePostgresType(stored, column.type)) {
      throw new SchemaError(
        `Column ${column.name} of table ${schema}.${table} is ${stored} but the stream now declares ${column.type} (${postgresColumnTypes[column.type]}). ` +
          "Parley does not cast existing data: migrate the column yourself, or drop the table and run with --full-refresh.",
        { table, column: column.name },
      );
    }
  }
  const storedKey = await existingPrimaryKey(client, name);
  if (storedKey.join(",") === primaryKey.join(",")) return;
  if (storedKey.length === 0) {
    await client
      .query(`ALTER TABLE ${name} ADD PRIMARY KEY (${primaryKey.map(quoteIdentifier).join(", ")})`)
      .catch((error: unknown) => {
        throw new SchemaError(
          `Table ${schema}.${table} cannot take the primary key (${primaryKey.join(", ")}): it holds duplicate or empty keys. ` +
            "Remove them, or drop the table and run with --full-refresh.",
          { table, cause: error },
        );
      });
    return;
  }
  throw new SchemaError(
    `Table ${schema}.${table} has primary key (${storedKey.join(", ")}) but the stream declares (${primaryKey.join(", ") || "none"}). ` +
      "Change the key back, or drop the table (or its constraint) and run with --full-refresh.",
    { table },
  );
}

export async function ensureInternalTables(client: PoolClient, schema: string): Promise<void> {
  await lockSchema(client, schema);
  const found = await client.query("SELECT 1 FROM pg_namespace WHERE nspname = $1", [schema]);
  if (found.rowCount === 0) await client.query(`CREATE SCHEMA ${quoteIdentifier(schema)}`);
  for (const table of Object.values(internalTables))
    await ensureTable(client, schema, table.name, table.columns, table.primaryKey);
}

/** The key the table carries: merge needs it for ON CONFLICT; replace keeps it true by taking the last row per key. */
export function tableKey(target: TableTarget): readonly string[] {
  return target.stream.writeDisposition === "append" ? [] : (target.stream.primaryKey ?? []);
}

function checkNames(target: TableTarget): void {
  for (const name of [target.table, ...target.stream.columns.map((column) => column.name)]) {
    if (!isValidIdentifier(name) || (name !== target.table && reservedNames.has(name))) {
      throw new SchemaError(
        `"${name}" in table ${target.table} is not a usable name: use letters, digits and underscores (at most 63, not starting with a digit), and not ${[...reservedNames].join(", ")}.`,
        { table: target.table },
      );
    }
  }
}

export async function ensureDataTable(client: PoolClient, schema: string, target: TableTarget): Promise<void> {
  checkNames(target);
  await ensureTable(client, schema, target.table, [...target.stream.columns, ...lineageColumns], tableKey(target));
}
