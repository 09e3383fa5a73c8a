import type { DuckDBConnection } from "@duckdb/node-api";
import {
  type ColumnDefinition,
  internalTables,
  isValidIdentifier,
  lineageColumns,
  SchemaError,
  type TableTarget,
} from "@parley/core";
import { duckdbColumnTypes, quoteIdentifier, sameDuckdbType } from "./duckdb-types.ts";

export function qualified(schema: string, table: string): string {
  return `${quoteIdentifier(schema)}.${quoteIdentifier(table)}`;
}

function columnSql(column: ColumnDefinition): string {
  return `${quoteIdentifier(column.name)} ${duckdbColumnTypes[column.type]}`;
}

async function existingColumns(
  connection: DuckDBConnection,
  schema: string,
  table: string,
): Promise<Map<string, string>> {
  const reader = await connection.runAndReadAll(
    "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position",
    [schema, table],
  );
  return new Map(reader.getRows().map(([name, type]) => [String(name), String(type)]));
}

function checkNames(target: TableTarget): void {
  for (const name of [target.table, ...target.stream.columns.map((column) => column.name)]) {
    if (!isValidIdentifier(name)) {
      throw new SchemaError(
        `"${name}" in table ${target.table} is not a valid identifier (letters, digits and underscores, at most 63)`,
        { table: target.table },
      );
    }
  }
}

/**
 * Creates the table, or evolves it: adds missing columns (old rows read NULL) and refuses a changed
 * type, because silently casting would rewrite history with a different meaning.
 */
export async function ensureTable(
  connection: DuckDBConnection,
  schema: string,
  table: string,
  columns: readonly ColumnDefinition[],
): Promise<void> {
  const existing = await existingColumns(connection, schema, table);
  if (existing.size === 0) {
    await connection.run(`CREATE TABLE ${qualified(schema, table)} (${columns.map(columnSql).join(", ")})`);
    return;
  }
  for (const column of columns) {
    const stored = existing.get(column.name);
    if (stored === undefined) {
      await connection.run(`ALTER TABLE ${qualified(schema, table)} ADD COLUMN ${columnSql(column)}`);
    } else if (!sameDuckdbType(stored, column.type)) {
      throw new SchemaError(
        `Column ${column.name} of table ${schema}.${table} is ${stored} but the stream now declares ${column.type} (${duckdbColumnTypes[column.type]}). ` +
          "Parley does not cast existing data: migrate the column yourself, or drop the table and run with --full-refresh.",
        { table, column: column.name },
      );
    }
  }
}

export async function ensureInternalTables(connection: DuckDBConnection, schema: string): Promise<void> {
  await connection.run(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(schema)}`);
  for (const table of Object.values(internalTables)) await ensureTable(connection, schema, table.name, table.columns);
}

export async function ensureDataTable(
  connection: DuckDBConnection,
  schema: string,
  target: TableTarget,
): Promise<void> {
  checkNames(target);
  await ensureTable(connection, schema, target.table, [...target.stream.columns, ...lineageColumns]);
}
