import { type DuckDBConnection, type DuckDBType, DuckDBTypeId, type DuckDBValue } from "@duckdb/node-api";
import { BigqueryApiError, invalidQuery, notFound } from "./bigquery-errors.ts";
import type { StoredType } from "./bigquery-schema.ts";
import { type TranslatedStatement, translateScript } from "./bigquery-sql.ts";
import { type BigqueryStore, quoteName, tableKey } from "./bigquery-store.ts";

/** A finished query: rows as BigQuery's text cells (TIMESTAMP as microseconds, formatted per request later). */
export interface QueryOutcome {
  statementType: string;
  fields?: { name: string; type: StoredType; mode: "NULLABLE" }[];
  rows?: (string | null)[][];
  numDmlAffectedRows?: number;
}

export interface QueryContext {
  projectId: string;
  defaultDataset?: { projectId: string; datasetId: string };
}

function bigqueryType(type: DuckDBType): StoredType {
  if (type.alias === "JSON") return "JSON";
  switch (type.typeId) {
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.INTEGER:
    case DuckDBTypeId.SMALLINT:
    case DuckDBTypeId.TINYINT:
    case DuckDBTypeId.HUGEINT:
    case DuckDBTypeId.UBIGINT:
    case DuckDBTypeId.UINTEGER:
    case DuckDBTypeId.USMALLINT:
    case DuckDBTypeId.UTINYINT:
      return "INTEGER";
    case DuckDBTypeId.DOUBLE:
    case DuckDBTypeId.FLOAT:
      return "FLOAT";
    case DuckDBTypeId.DECIMAL:
      return "NUMERIC";
    case DuckDBTypeId.BOOLEAN:
      return "BOOLEAN";
    case DuckDBTypeId.TIMESTAMP_TZ:
      return "TIMESTAMP";
    case DuckDBTypeId.TIMESTAMP:
      return "DATETIME";
    case DuckDBTypeId.DATE:
      return "DATE";
    case DuckDBTypeId.BLOB:
      return "BYTES";
    case DuckDBTypeId.VARCHAR:
    case DuckDBTypeId.UUID:
      return "STRING";
    default:
      throw invalidQuery(`Result type ${type.toString()} is outside the emulator's supported subset`);
  }
}

function cell(type: StoredType, value: DuckDBValue): string | null {
  if (value === null) return null;
  if (type === "TIMESTAMP" || type === "DATETIME") return String((value as { micros: bigint }).micros);
  if (type === "BYTES") return Buffer.from((value as { bytes: Uint8Array }).bytes).toString("base64");
  return String(value);
}

function explain(error: unknown): BigqueryApiError {
  if (error instanceof BigqueryApiError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (/^Catalog Error/.test(message)) return notFound(message.replace(/^Catalog Error: /, ""));
  return invalidQuery(message.replace(/^\w+ Error: /, ""));
}

async function registerView(
  store: BigqueryStore,
  connection: DuckDBConnection,
  statement: TranslatedStatement,
  context: QueryContext,
): Promise<void> {
  const parts = statement.name ?? [];
  const [projectId, datasetId, tableId] =
    parts.length === 3
      ? parts
      : parts.length === 2
        ? [context.projectId, ...parts]
        : [context.defaultDataset?.projectId, context.defaultDataset?.datasetId, parts[0]];
  if (projectId === undefined || datasetId === undefined || tableId === undefined)
    throw invalidQuery("Table name missing dataset while no default dataset is set in the request.");
  const key = tableKey(projectId, datasetId, tableId);
  if (statement.kind === "DROP_VIEW") {
    store.tables.delete(key);
    return;
  }
  const reader = await connection.runAndReadAll(`SELECT * FROM ${quoteName(projectId, datasetId, tableId)} LIMIT 0`);
  const names = reader.columnNames();
  const now = Date.now();
  store.tables.set(key, {
    projectId,
    datasetId,
    tableId,
    type: "VIEW",
    creationTime: now,
    lastModifiedTime: now,
    schema: reader
      .columnTypes()
      .map((type, index) => ({ name: names[index] as string, type: bigqueryType(type), mode: "NULLABLE" })),
  });
}

/**
 * Runs a GoogleSQL query or script. Outside a transaction each statement commits on its own (as in BigQuery); inside
 * BEGIN TRANSACTION ... COMMIT TRANSACTION a failure rolls everything back, and so does a script that ends unfinished.
 */
export async function runQuery(store: BigqueryStore, sql: string, context: QueryContext): Promise<QueryOutcome> {
  const statements = translateScript(sql);
  if (context.defaultDataset !== undefined)
    store.dataset(context.defaultDataset.projectId, context.defaultDataset.datasetId);
  return store.exclusive(async (connection) => {
    await store.ensureCatalog(connection, context.projectId);
    const scope =
      context.defaultDataset === undefined
        ? quoteName(context.projectId)
        : quoteName(context.defaultDataset.projectId, context.defaultDataset.datasetId);
    await connection.run(`USE ${scope}`);
    let inTransaction = false;
    let outcome: QueryOutcome = {
      statementType: statements.length > 1 ? "SCRIPT" : (statements[0] as TranslatedStatement).kind,
    };
    try {
      for (const statement of statements) {
        if (statement.kind === "BEGIN_TRANSACTION" && inTransaction)
          throw invalidQuery("Nested transactions are not supported");
        if ((statement.kind === "COMMIT_TRANSACTION" || statement.kind === "ROLLBACK_TRANSACTION") && !inTransaction)
          throw invalidQuery(`${statement.kind.replace("_", " ")} without an active transaction`);
        if ((statement.kind === "CREATE_VIEW" || statement.kind === "DROP_VIEW") && inTransaction)
          throw invalidQuery(`${statement.kind.replace("_", " ")} is not supported inside a transaction`);
        if (statement.kind === "SELECT") {
          const reader = await connection.runAndReadAll(statement.sql);
          const types = reader.columnTypes().map(bigqueryType);
          const names = reader.columnNames();
          outcome = {
            statementType: outcome.statementType,
            fields: types.map((type, index) => ({ name: names[index] as string, type, mode: "NULLABLE" })),
            rows: reader.getRows().map((row) => row.map((value, index) => cell(types[index] as StoredType, value))),
          };
          continue;
        }
        const result = await connection.run(statement.sql);
        if (statement.kind === "BEGIN_TRANSACTION") inTransaction = true;
        if (statement.kind === "COMMIT_TRANSACTION" || statement.kind === "ROLLBACK_TRANSACTION") inTransaction = false;
        if (statement.kind === "CREATE_VIEW" || statement.kind === "DROP_VIEW")
          await registerView(store, connection, statement, context);
        if (["INSERT", "UPDATE", "DELETE", "MERGE"].includes(statement.kind) && statements.length === 1)
          outcome.numDmlAffectedRows = Number(result.rowsChanged);
      }
      if (inTransaction)
        throw invalidQuery("Transaction is not committed or rolled back at the end of the script; it was rolled back.");
      return outcome;
    } catch (error) {
      if (inTransaction) await connection.run("ROLLBACK").catch(() => undefined);
      throw explain(error);
    }
  });
}
