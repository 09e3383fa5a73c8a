import { DuckDBInstance } from "@duckdb/node-api";

/** Rows of a table in a DuckDB file, read after a measured run (outside its time). */
export async function countRows(database: string, table: string): Promise<number> {
  const instance = await DuckDBInstance.create(database, { access_mode: "READ_ONLY" });
  const connection = await instance.connect();
  try {
    const reader = await connection.runAndReadAll(`SELECT COUNT(*) AS n FROM ${table}`);
    return Number(reader.getRowObjects()[0]?.n);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
