// Child process: DuckDB's own reader loads a file from disk into a table of a fresh database file, the way a
// user's one-line script would. This is the limit Parley is measured against. Prints `RESULT <rows>`.
//   node duckdb-native.ts <json|ndjson|csv> <file> <database>
import { DuckDBInstance } from "@duckdb/node-api";

const [format, file, database] = process.argv.slice(2) as [string, string, string];
const quoted = (text: string): string => `'${text.replaceAll("'", "''")}'`;
const reader =
  format === "csv"
    ? `read_csv(${quoted(file)}, header = true)`
    : `read_json(${quoted(file)}, format = ${format === "ndjson" ? "'newline_delimited'" : "'array'"}, maximum_object_size = 268435456)`;
const instance = await DuckDBInstance.create(database);
const connection = await instance.connect();
await connection.run(`CREATE TABLE loaded AS SELECT * FROM ${reader}`);
const count = await connection.runAndReadAll("SELECT COUNT(*) AS n FROM loaded");
connection.closeSync();
instance.closeSync();
process.stdout.write(`RESULT ${String(count.getRowObjects()[0]?.n)}\n`);
