import {
  ConfigError,
  HttpError,
  type Logger,
  type ProgressEvent,
  parseConfigOrThrow,
  pause,
  RequestBudget,
  retrying,
  silentLogger,
  WaitRelay,
} from "@parley/core";
import { type CcaiClient, createCcaiClient } from "./ccai-client.ts";
import { type CcaiExportConfig, type CcaiSettings, ccaiConfigSchema } from "./ccai-config.ts";
import { CcaiExportError } from "./ccai-export-error.ts";
import {
  type BigQueryTable,
  buildCcaiMergeSql,
  buildWatermarkSql,
  exportColumns,
  watermarkTime,
} from "./ccai-export-sql.ts";
import { exportWindows, type TimeWindow, windowFilter } from "./ccai-export-windows.ts";
import { pollOperation, type RpcStatus } from "./ccai-operation.ts";
import { stringAt } from "./ccai-proto.ts";

export interface CcaiExportOptions {
  /** Watermark (RFC 3339): export only conversations updated since, into `stagingTable` (required then). */
  readonly since?: string;
  readonly now?: () => Date;
  readonly signal?: AbortSignal;
  readonly logger?: Logger;
  readonly onProgress?: (event: ProgressEvent) => void;
}

export interface CcaiExportOperation {
  readonly name: string;
  readonly filter: string;
  readonly destination: BigQueryTable;
  readonly writeDisposition: "WRITE_TRUNCATE" | "WRITE_APPEND";
  /** Conversations that could not be exported although the operation succeeded (metadata.partialErrors). */
  readonly partialErrors: readonly RpcStatus[];
}

export interface CcaiExportResult {
  readonly operations: readonly CcaiExportOperation[];
  /** Set for an incremental run into `stagingTable`: run it in BigQuery to fold the staging rows into `table`. */
  readonly mergeSql: string | undefined;
  /** Gives the next run's `since` (epoch seconds; convert with `watermarkTime`). */
  readonly watermarkSql: string;
  /** Set for an incremental run: the newest update time in the staging table (epoch seconds). */
  readonly stagingWatermarkSql: string | undefined;
  /** The next run's `since` for a watermark in epoch seconds (see `watermarkTime`). */
  readonly watermarkSince: (epochSeconds: number) => string;
}

const stream = "export";
// ExportInsightsData: 60 requests per minute per project (vendor-apis §1.11).
const exportQuota = { requests: 60, windowMs: 60_000 };
const quotaAttempts = 6;

async function startExport(
  client: CcaiClient,
  body: Record<string, unknown>,
  budget: RequestBudget,
  options: CcaiExportOptions,
  waits: WaitRelay,
) {
  return retrying(
    async () => {
      await pause(budget.delayFor(Date.now()), "export quota (60 per minute)", {
        signal: options.signal,
        onWait: waits.listener,
      });
      budget.recordSent(Date.now());
      return client.exportInsightsData(body, options.signal);
    },
    {
      policy: { maxAttempts: quotaAttempts, initialDelayMs: 2000, maxDelayMs: 60_000 },
      signal: options.signal,
      onWait: waits.listener,
      // A 429 means the export was refused, not started, so sending it again cannot start a second export.
      retryOn: (error) =>
        HttpError.isInstance(error) && error.status === 429 ? { reason: "export quota exceeded (429)" } : undefined,
      beforeWait: (delay) => budget.blockFor(Date.now(), delay),
    },
  );
}

function requestBody(settings: CcaiExportConfig, destination: BigQueryTable, filter: string, disposition: string) {
  return {
    bigQueryDestination: { projectId: destination.projectId, dataset: destination.dataset, table: destination.table },
    ...(filter === "" ? {} : { filter }),
    ...(settings.kmsKey === undefined ? {} : { kmsKey: settings.kmsKey }),
    writeDisposition: disposition,
    exportSchemaVersion: settings.exportSchemaVersion,
  };
}

/**
 * Runs CCAI's native BigQuery export (vendor-apis §1.12): one ExportInsightsData request per time window (an export
 * covers at most 100,000 conversations), each polled to the end before the next starts. The first window uses the
 * configured disposition and later windows append, so a run never truncates what its own earlier windows wrote.
 */
export async function exportCcaiToBigQuery(
  settings: CcaiSettings,
  options: CcaiExportOptions = {},
): Promise<CcaiExportResult> {
  const config = parseConfigOrThrow(ccaiConfigSchema, settings, { subject: "ccai source settings" });
  const exportSettings = config.exportToBigQuery;
  if (exportSettings === undefined) {
    throw new ConfigError([
      { path: "exportToBigQuery", message: "required for a native export: give dataset and writeDisposition" },
    ]);
  }
  if (options.since !== undefined && exportSettings.stagingTable === undefined) {
    // Without staging, an incremental export lands every changed conversation in the final table once more.
    throw new ConfigError([
      {
        path: "exportToBigQuery.stagingTable",
        message:
          "required for an incremental export (--since): changed conversations go to a staging table, which is then MERGEd into `table` on conversationName; add for example `stagingTable: ccai_export_staging` under exportToBigQuery (create it in the dataset), or run without --since for a full export",
      },
    ]);
  }
  const logger = options.logger ?? silentLogger;
  const now = (options.now ?? (() => new Date()))();
  const target = {
    projectId: exportSettings.projectId ?? config.project,
    dataset: exportSettings.dataset,
    table: exportSettings.table,
  };
  const incremental = options.since !== undefined;
  const destination = incremental ? { ...target, table: exportSettings.stagingTable as string } : target;
  const windows: TimeWindow[] = exportWindows(exportSettings, options.since, now);
  const waits = new WaitRelay();
  if (options.onProgress !== undefined) waits.toProgress(options.onProgress, stream);
  const client = createCcaiClient(config, { onWait: waits.listener });
  const budget = new RequestBudget([exportQuota]);
  const operations: CcaiExportOperation[] = [];
  try {
    for (const [index, window] of windows.entries()) {
      const filter = windowFilter(config.filter, window);
      // Google's pattern truncates the staging table on each run; otherwise the user chose the disposition.
      const first = incremental ? "WRITE_TRUNCATE" : exportSettings.writeDisposition;
      const disposition = index === 0 ? first : "WRITE_APPEND";
      const operation = await startExport(
        client,
        requestBody(exportSettings, destination, filter, disposition),
        budget,
        options,
        waits,
      );
      const name = stringAt(operation, "name") ?? "";
      logger.info("export started", {
        operation: name,
        filter,
        table: destination.table,
        writeDisposition: disposition,
      });
      const outcome = await pollOperation(client, operation, {
        initialIntervalMs: exportSettings.pollIntervalSeconds * 1000,
        maxIntervalMs: 300_000,
        timeoutMs: exportSettings.timeoutHours * 3_600_000,
        ...(options.signal === undefined ? {} : { signal: options.signal }),
        onRunning: (metadata, nextPollMs) =>
          waits.listener(
            nextPollMs,
            `export ${index + 1}/${windows.length} running${metadata.completedExportCount === undefined ? "" : ` (${String(metadata.completedExportCount)} exported)`}`,
          ),
      });
      const completed = operations.map((item) => item.name);
      if (outcome.kind === "timedOut") {
        throw new CcaiExportError(
          `Export ${name} was still running after ${exportSettings.timeoutHours} h; it may still finish: check it with GET /v1/${name} before exporting again.`,
          { operationName: name, completedOperations: completed },
        );
      }
      if (outcome.kind === "failed") {
        throw new CcaiExportError(
          `Export ${name} failed with code ${outcome.error.code}: ${outcome.error.message}. Check the dataset, table, KMS key and the Insights service account's BigQuery access, then export again.`,
          { operationName: name, rpcCode: outcome.error.code, completedOperations: completed },
        );
      }
      for (const partial of outcome.partialErrors) {
        logger.warn("export finished with a partial error", {
          operation: name,
          code: partial.code,
          message: partial.message,
        });
        options.onProgress?.({ kind: "note", stream, message: `partial error in ${name}: ${partial.message}` });
      }
      operations.push({
        name,
        filter,
        destination,
        writeDisposition: disposition,
        partialErrors: outcome.partialErrors,
      });
    }
  } finally {
    await client.close();
  }
  return {
    operations,
    mergeSql: incremental
      ? buildCcaiMergeSql(target, destination, exportColumns(exportSettings.exportSchemaVersion))
      : undefined,
    watermarkSql: buildWatermarkSql(target),
    stagingWatermarkSql: incremental ? buildWatermarkSql(destination) : undefined,
    watermarkSince: watermarkTime,
  };
}
