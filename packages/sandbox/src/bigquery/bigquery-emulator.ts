import { type RunningServer, type ServeOptions, serve } from "../server/emulator-server.ts";
import { BigqueryApiError, type BigqueryReason, sendBigqueryError } from "./bigquery-errors.ts";
import { BigqueryJobs, type JobFault, type JobRecord, jobResource } from "./bigquery-jobs.ts";
import { readLoadConfiguration, runLoad } from "./bigquery-load.ts";
import { type QueryOutcome, runQuery } from "./bigquery-query.ts";
import { type RequestDetails, routeBigqueryRequest } from "./bigquery-routes.ts";
import type { JsonObject } from "./bigquery-shapes.ts";
import { BigqueryStore, type TableEntry } from "./bigquery-store.ts";
import { ResumableUploads } from "./bigquery-upload.ts";

export interface BigqueryEmulatorOptions extends ServeOptions {
  /** Accepted bearer tokens (default: any non-empty token). */
  tokens?: readonly string[];
  /** jobs.get polls before a job reports DONE (default 1: the first poll sees it done; 0: done in the insert response). */
  jobPollsUntilDone?: number;
  /** Keep each project's DuckDB catalog in a file in this directory instead of in memory. */
  directory?: string;
  /** Largest accepted upload (default 512 MiB). */
  maxUploadBytes?: number;
}

export interface BigqueryRequestLogEntry {
  method: string;
  path: string;
  query: Record<string, string>;
  /** The JSON body; for an upload, the job metadata part. */
  body?: unknown;
  /** Size of an upload's media part. */
  mediaBytes?: number;
  status: number;
  /** `errors[0].reason` when the answer was an error. */
  reason?: string;
}

/** The next `count` requests matching `method`/`path` are answered with this error instead of being served. */
export interface HttpFault {
  status: 403 | 429 | 500 | 503;
  reason?: BigqueryReason;
  count?: number;
  method?: string;
  /** A substring or pattern of the request path, e.g. "/upload/" or /\/queries\//. */
  path?: string | RegExp;
}

export interface BigqueryEmulator extends RunningServer {
  requests(): readonly BigqueryRequestLogEntry[];
  clearRequests(): void;
  injectFault(fault: HttpFault): void;
  /** The next `count` jobs (of `type`, or any) end DONE with this error result, without running. */
  failJobs(fault: { reason: BigqueryReason; message?: string; type?: "LOAD" | "QUERY"; count?: number }): void;
  /** Drops every pending HTTP and job fault. */
  clearFaults(): void;
  /** REST resources of the jobs inserted so far, in order. */
  jobs(): readonly JsonObject[];
  table(projectId: string, datasetId: string, tableId: string): TableEntry | undefined;
  /** Runs GoogleSQL directly (not logged as a request), for assertions. */
  query(sql: string, projectId?: string): Promise<QueryOutcome>;
  /**
   * Writes rows into an existing table the way another Google service's export does (a load with CREATE_NEVER):
   * for wiring an emulated exporter, such as the CCAI emulator's `bigQueryWriter`.
   */
  writeRows(
    table: { projectId: string; datasetId: string; tableId: string },
    rows: readonly object[],
    writeDisposition: "WRITE_TRUNCATE" | "WRITE_APPEND",
  ): Promise<void>;
}

const faultMessages: Record<string, string> = {
  rateLimitExceeded:
    "Exceeded rate limits: too many api requests per user per method for this user_method. For more information, see https://cloud.google.com/bigquery/docs/troubleshoot-quotas",
  backendError: "Error encountered during execution. Retrying may solve the problem.",
};

/** Starts a local BigQuery REST v2 server backed by DuckDB (see README.md for the supported subset). */
export async function createBigqueryEmulator(options: BigqueryEmulatorOptions = {}): Promise<BigqueryEmulator> {
  const store = new BigqueryStore(options.directory);
  const jobs = new BigqueryJobs(store, options.jobPollsUntilDone ?? 1);
  const log: BigqueryRequestLogEntry[] = [];
  const faults: (HttpFault & { count: number })[] = [];
  let baseUrl = "";
  const context = {
    store,
    jobs,
    uploads: new ResumableUploads(),
    baseUrl: () => baseUrl,
    maxUploadBytes: options.maxUploadBytes ?? 512 * 1024 * 1024,
  };
  const server = await serve(async (request, response) => {
    const url = new URL(request.url ?? "/", "http://emulator");
    const entry: BigqueryRequestLogEntry = {
      method: request.method ?? "GET",
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      status: 0,
    };
    log.push(entry);
    const details: RequestDetails = {};
    try {
      const token = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? "")?.[1];
      if (token === undefined)
        throw new BigqueryApiError(401, "required", "Login Required.", {
          location: "Authorization",
          headers: { "www-authenticate": 'Bearer realm="https://accounts.google.com/"' },
        });
      if (options.tokens !== undefined && !options.tokens.includes(token))
        throw new BigqueryApiError(401, "authError", "Invalid Credentials", { location: "Authorization" });
      const fault = faults.find(
        (candidate) =>
          candidate.count > 0 &&
          (candidate.method === undefined || candidate.method === entry.method) &&
          (candidate.path === undefined ||
            (typeof candidate.path === "string"
              ? entry.path.includes(candidate.path)
              : candidate.path.test(entry.path))),
      );
      if (fault !== undefined) {
        fault.count -= 1;
        const reason =
          fault.reason ?? (fault.status === 403 || fault.status === 429 ? "rateLimitExceeded" : "backendError");
        throw new BigqueryApiError(fault.status, reason, faultMessages[reason] ?? reason);
      }
      await routeBigqueryRequest(context, request, response, url, details);
      entry.status = response.statusCode;
    } catch (error) {
      const failure =
        error instanceof BigqueryApiError
          ? error
          : new BigqueryApiError(500, "backendError", error instanceof Error ? error.message : String(error));
      if (!request.readableEnded) request.resume();
      entry.status = sendBigqueryError(response, failure);
      entry.reason = failure.reason;
    }
    if (details.body !== undefined) entry.body = details.body;
    if (details.mediaBytes !== undefined) entry.mediaBytes = details.mediaBytes;
  }, options);
  baseUrl = server.url;
  const close = async () => {
    await server.close();
    await store.close();
  };
  return {
    ...server,
    close,
    [Symbol.asyncDispose]: close,
    requests: () => log,
    clearRequests: () => {
      log.length = 0;
    },
    injectFault: (fault) => {
      faults.push({ ...fault, count: fault.count ?? 1 });
    },
    failJobs: ({ count = 1, ...fault }) => {
      jobs.faults.push({ ...fault, remaining: count } satisfies JobFault);
    },
    clearFaults: () => {
      faults.length = 0;
      jobs.faults.length = 0;
    },
    jobs: () => [...jobs.records.values()].map((record: JobRecord) => jobResource(record, baseUrl)),
    table: (projectId, datasetId, tableId) => store.tables.get(`${projectId}:${datasetId}.${tableId}`),
    query: (sql, projectId = "emulator") => runQuery(store, sql, { projectId }),
    async writeRows(table, rows, writeDisposition) {
      const load = readLoadConfiguration(
        {
          destinationTable: table,
          sourceFormat: "NEWLINE_DELIMITED_JSON",
          writeDisposition,
          createDisposition: "CREATE_NEVER",
        },
        "load",
      );
      await runLoad(store, load, rows.map((row) => JSON.stringify(row)).join("\n"));
    },
  };
}
