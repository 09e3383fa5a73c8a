// Child process: DuckDB alone, typed. Runs a typed load (`typed-load-sql.ts`: the stream's table, then one
// INSERT ... SELECT through the sink's generated mapping SQL) in one transaction on a fresh database file, on every
// core DuckDB takes, with no HTTP and no JavaScript per record: the cost floor of a typed load. Prints `RESULT <rows>`.
//   node duckdb-typed.ts <database> <typed load as JSON>
import { DuckDBInstance } from "@duckdb/node-api";
import type { TypedLoad } from "./typed-load-sql.ts";

const [database, load] = process.argv.slice(2) as [string, string];
const { table, create, insert } = JSON.parse(load) as TypedLoad;
const instance = await DuckDBInstance.create(database);
const connection = await instance.connect();
await connection.run(create);
await connection.run("BEGIN TRANSACTION");
await connection.run(insert);
await connection.run("COMMIT");
const count = await connection.runAndReadAll(`SELECT COUNT(*) AS n FROM "${table}"`);
connection.closeSync();
instance.closeSync();
process.stdout.write(`RESULT ${String(count.getRowObjects()[0]?.n)}\n`);
