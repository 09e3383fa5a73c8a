import {
  type ColumnDefinition,
  internalTables,
  lineageColumns,
  type StreamCompletion,
  type WriteBatch,
} from "@parley/core";
import type { BigqueryConfig } from "./bigquery-config.ts";
import type { BigquerySession } from "./bigquery-session.ts";
import { removeLoadFiles, sequenceColumn, stagingTableName, writeLoadFiles } from "./bigquery-staging.ts";
import {
  appendStatement,
  eventTimeScope,
  mergeStatement,
  rejectsStatement,
  replaceStageStatements,
  stateStatements,
  swapStatements,
  transaction,
} from "./bigquery-statements.ts";
import { ensureTable, fieldSchema, layoutFor, type TableLayout } from "./bigquery-tables.ts";

/** Staging tables of a batch that dies with the process disappear on their own after a day. */
const stagingLifetimeMs = 24 * 60 * 60 * 1000;
const sequence: ColumnDefinition = { name: sequenceColumn, type: "integer" };
const rejectColumns = internalTables.rejects.columns.filter((column) => column.name !== "rejected_at");

/** Where a replace stream's rows wait until the stream completes; one per table, owned by one load. */
export function waitingTableName(table: string): string {
  return `_parley_replace__${table}`;
}

interface LoadOptions {
  readonly columns: readonly ColumnDefinition[];
  readonly layout?: TableLayout;
  readonly firstDisposition: "WRITE_TRUNCATE" | "WRITE_APPEND";
  readonly schemaUpdateOptions?: readonly string[];
}

/** The `configuration.load` of one load file: NDJSON with an explicit schema, never autodetected. */
export function loadConfiguration(
  config: BigqueryConfig,
  options: LoadOptions,
  writeDisposition: string,
): Record<string, unknown> {
  const layout = options.layout ?? {};
  return {
    sourceFormat: "NEWLINE_DELIMITED_JSON",
    schema: { fields: fieldSchema(options.columns) },
    writeDisposition,
    createDisposition: "CREATE_NEVER",
    ...(options.schemaUpdateOptions === undefined ? {} : { schemaUpdateOptions: [...options.schemaUpdateOptions] }),
    ...(layout.partitionColumn === undefined
      ? {}
      : { timePartitioning: { type: "DAY", field: layout.partitionColumn } }),
    ...(layout.clusterColumns === undefined ? {} : { clustering: { fields: [...layout.clusterColumns] } }),
    ...(config.kmsKeyName === undefined
      ? {}
      : { destinationEncryptionConfiguration: { kmsKeyName: config.kmsKeyName } }),
  };
}

async function loadFiles(
  session: BigquerySession,
  config: BigqueryConfig,
  table: string,
  files: readonly string[],
  options: LoadOptions,
): Promise<void> {
  for (const [index, file] of files.entries()) {
    const metadata = loadConfiguration(config, options, index === 0 ? options.firstDisposition : "WRITE_APPEND");
    await session.load(table, file, metadata);
  }
}

async function stage(
  session: BigquerySession,
  config: BigqueryConfig,
  table: string,
  rows: readonly Record<string, unknown>[],
  columns: readonly ColumnDefinition[],
  temporary: string[],
  files: string[],
): Promise<string> {
  const name = stagingTableName(table);
  const written = await writeLoadFiles(rows, config.maxBatchBytes);
  files.push(...written);
  await session.createTable(name, {
    schema: { fields: fieldSchema(columns) },
    expirationTime: String(Date.now() + stagingLifetimeMs),
    ...(config.kmsKeyName === undefined ? {} : { encryptionConfiguration: { kmsKeyName: config.kmsKeyName } }),
  });
  temporary.push(name);
  // WRITE_TRUNCATE on the first file: a load repeated after an unclear failure cannot double the staged rows.
  await loadFiles(session, config, name, written, { columns, firstDisposition: "WRITE_TRUNCATE" });
  return session.tableName(name);
}

/**
 * Applies a batch: rows (and rejects) are loaded into staging tables, then one multi-statement transaction moves them
 * into place together with the rejects and the state. A plain append without state or rejects that fits one load file
 * is a single WRITE_APPEND load job into the table instead, which is atomic on its own.
 */
export async function writeBatch(session: BigquerySession, config: BigqueryConfig, batch: WriteBatch): Promise<void> {
  const { target } = batch;
  const columns = target.stream.columns;
  const lineage = { _parley_load_id: batch.loadId, _parley_loaded_at: batch.loadedAt };
  const table = session.tableName(target.table);
  const statements: string[] = [];
  const temporary: string[] = [];
  const files: string[] = [];
  try {
    if (
      batch.rows.length > 0 &&
      target.stream.writeDisposition === "append" &&
      batch.state === undefined &&
      batch.rejects.length === 0
    ) {
      const direct = await writeLoadFiles(
        batch.rows.map((row) => ({ ...row, ...lineage })),
        config.maxBatchBytes,
      );
      files.push(...direct);
      if (direct.length === 1) {
        const options = {
          columns: [...columns, ...lineageColumns],
          layout: layoutFor(target),
          firstDisposition: "WRITE_APPEND",
          schemaUpdateOptions: ["ALLOW_FIELD_ADDITION"],
        } as const;
        await loadFiles(session, config, target.table, direct, options);
        return;
      }
    }
    if (batch.rows.length > 0) {
      const rows = batch.rows.map((row, index) => ({ [sequenceColumn]: index, ...row, ...lineage }));
      const staged = await stage(
        session,
        config,
        target.table,
        rows,
        [sequence, ...columns, ...lineageColumns],
        temporary,
        files,
      );
      const stream = target.stream;
      if (stream.writeDisposition === "append") statements.push(appendStatement(table, staged, columns));
      if (stream.writeDisposition === "merge") {
        const eventColumn = columns.find((column) => column.name === stream.eventTimeColumn);
        const scope =
          config.mergeScope === "partitions" && eventColumn !== undefined
            ? eventTimeScope(eventColumn, batch.rows, "target")
            : undefined;
        statements.push(mergeStatement({ table, staging: staged, columns, primaryKey: stream.primaryKey, scope }));
      }
      if (stream.writeDisposition === "replace") {
        const waiting = waitingTableName(target.table);
        await ensureTable(session, config, waiting, [sequence, ...columns, ...lineageColumns], {});
        statements.push(...replaceStageStatements(session.tableName(waiting), staged, columns, batch.loadId));
      }
    }
    if (batch.rejects.length > 0) {
      const rows = batch.rejects.map((reject) => ({
        load_id: batch.loadId,
        source: batch.source,
        stream: reject.stream,
        reason: reject.reason,
        payload: reject.payload,
      }));
      const staged = await stage(session, config, "rejects", rows, rejectColumns, temporary, files);
      statements.push(rejectsStatement(session.tableName(internalTables.rejects.name), staged));
    }
    if (batch.state !== undefined)
      statements.push(...stateStatements(session.tableName(internalTables.state.name), batch.state, batch.loadId));
    if (statements.length > 0) await session.script("write_batch", transaction(statements));
  } finally {
    await removeLoadFiles(files);
    for (const name of temporary) await session.deleteTable(name).catch(() => undefined);
  }
}

/** Completes a stream: for replace, swaps the waiting rows in; stores the state in the same transaction. */
export async function completeStream(session: BigquerySession, completion: StreamCompletion): Promise<void> {
  const replace = completion.target.stream.writeDisposition === "replace";
  if (!replace && completion.state === undefined) return;
  const waiting = waitingTableName(completion.target.table);
  const hasWaiting = replace && (await session.tableMetadata(waiting)) !== undefined;
  const statements = replace
    ? swapStatements(
        completion.target,
        session.tableName(completion.target.table),
        hasWaiting ? session.tableName(waiting) : undefined,
        completion.loadId,
      )
    : [];
  if (completion.state !== undefined)
    statements.push(
      ...stateStatements(session.tableName(internalTables.state.name), completion.state, completion.loadId),
    );
  await session.script("complete_stream", transaction(statements));
  if (hasWaiting) await session.deleteTable(waiting);
}
