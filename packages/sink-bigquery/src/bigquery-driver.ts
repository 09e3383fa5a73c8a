import { randomUUID } from "node:crypto";
import type { ColumnDefinition, LogicalType } from "@parley/core";
import {
  createStagingArea,
  type DriverTransaction,
  type StagedRows,
  type StagingArea,
  type WarehouseDriver,
} from "@parley/core/warehouse";
import type { AnyAuthClient } from "google-auth-library";
import type { BigqueryConfig } from "./bigquery-config.ts";
import { defaultLeaseTiming, type LeaseTiming, leaseLostError, takeLease } from "./bigquery-lease.ts";
import { eventTimeScope } from "./bigquery-merge-scope.ts";
import { BigquerySession } from "./bigquery-session.ts";
import { fieldSchema, layoutFor, tableBody } from "./bigquery-tables.ts";
import { bigqueryColumnTypes, quoteIdentifier, quoteString, sameBigqueryType } from "./bigquery-types.ts";

/** Staging tables of a load that dies with the process disappear on their own after a day. */
const stagingLifetimeMs = 24 * 60 * 60 * 1000;
const locksTable = "_parley_locks";
const lockColumns: readonly ColumnDefinition[] = [
  { name: "name", type: "string" },
  { name: "holder", type: "string" },
  { name: "token", type: "string" },
  { name: "expires_at", type: "timestamp" },
];

/** Statements as one multi-statement transaction: all apply, or none does. */
export function transactionScript(statements: readonly string[]): string {
  return ["BEGIN TRANSACTION", ...statements, "COMMIT TRANSACTION"].map((statement) => `${statement};`).join("\n");
}

/**
 * The BigQuery driver under the load protocol. BigQuery has no interactive transactions: a transaction's
 * statements are submitted as one script, and rows it stages are loaded by load jobs into staging tables first
 * (invisible until the script moves them), which are deleted afterwards.
 */
export function createBigqueryDriver(
  config: BigqueryConfig,
  authClient: AnyAuthClient | undefined,
  leaseTiming: LeaseTiming = defaultLeaseTiming,
): WarehouseDriver {
  const session = new BigquerySession(config, authClient);
  let staging: Promise<StagingArea> | undefined;
  const stagingArea = () => {
    staging ??= createStagingArea(config.stagingDirectory);
    return staging;
  };

  async function createTable(name: string, body: Record<string, unknown>): Promise<void> {
    await session.createTable(name, body).catch((error: { code?: number; cause?: { code?: number } }) => {
      if (error.code !== 409 && error.cause?.code !== 409 && (error as { status?: number }).status !== 409) throw error;
    });
  }

  async function stage(
    cleanup: { tables: string[]; files: string[] },
    columns: readonly ColumnDefinition[],
    rows: StagedRows,
    label: string,
  ): Promise<string> {
    const name = `_parley_stage_${label}_${randomUUID().replaceAll("-", "").slice(0, 12)}`;
    const files =
      rows.kind === "ndjson"
        ? rows.paths
        : await (await stagingArea()).writeNdjson(rows.rows as Record<string, unknown>[], config.maxBatchBytes);
    if (rows.kind === "rows") cleanup.files.push(...files);
    await session.createTable(name, {
      ...tableBody(config, columns, {}),
      expirationTime: String(Date.now() + stagingLifetimeMs),
    });
    cleanup.tables.push(name);
    for (const [index, file] of files.entries()) {
      // WRITE_TRUNCATE on the first file: a load repeated after an unclear failure cannot double the staged rows.
      await session.load(name, file, {
        sourceFormat: "NEWLINE_DELIMITED_JSON",
        schema: { fields: fieldSchema(columns) },
        writeDisposition: index === 0 ? "WRITE_TRUNCATE" : "WRITE_APPEND",
        createDisposition: "CREATE_NEVER",
        ...(config.kmsKeyName === undefined
          ? {}
          : { destinationEncryptionConfiguration: { kmsKeyName: config.kmsKeyName } }),
      });
    }
    return session.tableName(name);
  }

  return {
    dialect: "bigquery",
    namespace: config.dataset,
    maxIdentifierLength: 300,
    columnType: (type: LogicalType) => bigqueryColumnTypes[type],
    holdsType: sameBigqueryType,
    quoteIdentifier,
    quoteString,
    parseJson: (literal) => `PARSE_JSON(${literal})`,
    table: (name) => session.tableName(name),
    mergeScope(stream, rows) {
      const column = stream.columns.find((candidate) => candidate.name === stream.eventTimeColumn);
      return config.mergeScope === "partitions" && column !== undefined
        ? eventTimeScope(column, rows, "target")
        : undefined;
    },
    async describeTable(name) {
      const metadata = await session.tableMetadata(name);
      if (metadata === undefined) return undefined;
      return {
        columns: (metadata.schema?.fields ?? []).map((field) => ({
          name: String(field.name),
          type: String(field.type),
        })),
      };
    },
    async createTable(name, columns, hints) {
      const body = tableBody(config, columns, layoutFor(columns, hints));
      await createTable(
        name,
        hints.temporary === true ? { ...body, expirationTime: String(Date.now() + stagingLifetimeMs) } : body,
      );
    },
    async addColumns(name, columns) {
      const fields = (await session.tableMetadata(name))?.schema?.fields ?? [];
      await session.patchTable(name, { schema: { fields: [...fields, ...fieldSchema(columns)] } });
    },
    dropTable: (name) => session.deleteTable(name),
    async transaction(work) {
      const statements: string[] = [];
      const cleanup = { tables: [] as string[], files: [] as string[] };
      const transaction: DriverTransaction = {
        run: async (sql) => {
          statements.push(sql);
        },
        stage: (columns, rows, label) => stage(cleanup, columns, rows, label),
      };
      try {
        const result = await work(transaction);
        if (statements.length > 0)
          await session.script("transaction", transactionScript(statements)).catch((error: unknown) => {
            throw leaseLostError(error) ?? error;
          });
        return result;
      } finally {
        if (cleanup.files.length > 0) await (await stagingArea()).remove(cleanup.files);
        for (const name of cleanup.tables) await session.deleteTable(name).catch(() => undefined);
      }
    },
    query: (sql) => session.select(sql),
    async tryLock(name, holder) {
      // The lock comes before the ledger's tables: on a first run the dataset may not exist yet.
      await session.ensureDataset();
      await createTable(locksTable, tableBody(config, lockColumns, {}));
      return takeLease(session, session.tableName(locksTable), name, holder, leaseTiming);
    },
    ensureNamespace: () => session.ensureDataset(),
    async close() {
      session.close();
      const area = staging;
      staging = undefined;
      if (area !== undefined) await (await area).close();
    },
  };
}
