import type { IncomingMessage, ServerResponse } from "node:http";
import { sendJson } from "../server/emulator-server.ts";
import { BigqueryApiError, invalid, notFound, unsupported } from "./bigquery-errors.ts";
import { type BigqueryJobs, jobResource } from "./bigquery-jobs.ts";
import { datasetResource, insertDataset, insertTable, patchTable, tableResource } from "./bigquery-resources.ts";
import { resultPage } from "./bigquery-results.ts";
import { type JsonObject, readResource, readString } from "./bigquery-shapes.ts";
import type { BigqueryStore } from "./bigquery-store.ts";
import { parseJsonBody, parseMultipart, type ResumableUploads, readRaw } from "./bigquery-upload.ts";

export interface RouteContext {
  store: BigqueryStore;
  jobs: BigqueryJobs;
  uploads: ResumableUploads;
  baseUrl: () => string;
  maxUploadBytes: number;
}

/** What the request log keeps of a request: its JSON body (for uploads, the job metadata) and the media size. */
export interface RequestDetails {
  body?: unknown;
  mediaBytes?: number;
}

const systemParameters = new Set([
  "access_token",
  "oauth_token",
  "key",
  "alt",
  "fields",
  "prettyPrint",
  "quotaUser",
  "$.xgafv",
  "callback",
  "upload_protocol",
  "uploadType",
  "upload_id",
]);
const resultParameters = [
  "location",
  "maxResults",
  "pageToken",
  "startIndex",
  "timeoutMs",
  "formatOptions.useInt64Timestamp",
  "formatOptions.timestampOutputFormat",
];

/** Refuses query parameters a method does not document, as Google's front end does. */
function checkParameters(query: URLSearchParams, allowed: readonly string[]): void {
  for (const key of query.keys()) {
    if (!systemParameters.has(key) && !allowed.includes(key)) {
      throw invalid(
        `Invalid JSON payload received. Unknown name "${key}": Cannot bind query parameter. Field '${key}' could not be found in request message.`,
        key,
      );
    }
  }
}

async function jsonBody(request: IncomingMessage, details: RequestDetails): Promise<unknown> {
  const body = parseJsonBody(await readRaw(request, 10 * 1024 * 1024));
  details.body = body;
  return body;
}

function positiveInteger(query: URLSearchParams, name: string): number | undefined {
  const value = query.get(name);
  if (value === null) return undefined;
  if (!/^\d+$/.test(value)) throw invalid(`Invalid value at '${name}' (TYPE_UINT32), "${value}"`, name);
  return Number(value);
}

async function routeUpload(
  context: RouteContext,
  request: IncomingMessage,
  response: ServerResponse,
  projectId: string,
  query: URLSearchParams,
  details: RequestDetails,
): Promise<void> {
  checkParameters(query, []);
  const uploadType = query.get("uploadType");
  const finish = async (metadata: unknown, media: Buffer) => {
    details.body = metadata;
    details.mediaBytes = media.length;
    const record = await context.jobs.insertLoad(projectId, metadata, media.toString("utf8"));
    sendJson(response, 200, jobResource(record, context.baseUrl()));
  };
  if (request.method === "POST" && uploadType === "multipart") {
    const { metadata, media } = parseMultipart(
      request.headers["content-type"],
      await readRaw(request, context.maxUploadBytes),
    );
    return finish(metadata, media);
  }
  if (request.method === "POST" && uploadType === "resumable") {
    const metadata = await jsonBody(request, details);
    context.jobs.readJob(projectId, metadata);
    const id = context.uploads.start(projectId, metadata);
    response.writeHead(200, {
      location: `${context.baseUrl()}/upload/bigquery/v2/projects/${encodeURIComponent(projectId)}/jobs?uploadType=resumable&upload_id=${id}`,
      "content-length": "0",
    });
    response.end();
    return;
  }
  if (request.method === "PUT" && uploadType === "resumable" && query.get("upload_id") !== null) {
    const chunk = await readRaw(request, context.maxUploadBytes);
    const outcome = context.uploads.put(query.get("upload_id") as string, request.headers["content-range"], chunk);
    if ("done" in outcome) return finish(outcome.done.metadata, Buffer.concat(outcome.done.chunks));
    details.mediaBytes = chunk.length;
    response.writeHead(
      308,
      outcome.received > 0
        ? { range: `bytes=0-${outcome.received - 1}`, "content-length": "0" }
        : { "content-length": "0" },
    );
    response.end();
    return;
  }
  if (uploadType === "media")
    throw invalid(
      "A media upload carries no job configuration: use uploadType=multipart or uploadType=resumable.",
      "uploadType",
    );
  throw invalid(
    `Unsupported upload: ${request.method} with uploadType=${uploadType ?? "(none)"}. Use POST with uploadType=multipart or resumable.`,
    "uploadType",
  );
}

/** Serves one BigQuery REST v2 request (auth and faults are handled by the caller). */
export async function routeBigqueryRequest(
  context: RouteContext,
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
  details: RequestDetails,
): Promise<void> {
  const method = request.method ?? "GET";
  const query = url.searchParams;
  const segments = url.pathname
    .split("/")
    .filter((segment) => segment !== "")
    .map(decodeURIComponent);
  const base = context.baseUrl();
  if (
    segments[0] === "upload" &&
    segments[1] === "bigquery" &&
    segments[2] === "v2" &&
    segments[3] === "projects" &&
    segments[5] === "jobs" &&
    segments.length === 6
  ) {
    return routeUpload(context, request, response, segments[4] as string, query, details);
  }
  if (segments[0] !== "bigquery" || segments[1] !== "v2" || segments[2] !== "projects" || segments[3] === undefined)
    throw notFound(`URL ${url.pathname}`);
  const projectId = segments[3];
  const [collection, id, sub, subId, ...rest] = segments.slice(4);
  const route = `${method} ${collection ?? ""}${id === undefined ? "" : "/{id}"}${sub === undefined ? "" : `/${sub}`}${subId === undefined ? "" : "/{id}"}`;
  if (rest.length > 0) throw notFound(`URL ${url.pathname}`);
  switch (route) {
    case "POST datasets": {
      checkParameters(query, ["accessPolicyVersion"]);
      return sendJson(
        response,
        200,
        datasetResource(await insertDataset(context.store, projectId, await jsonBody(request, details)), base),
      );
    }
    case "GET datasets/{id}":
      checkParameters(query, ["datasetView", "accessPolicyVersion"]);
      return sendJson(response, 200, datasetResource(context.store.dataset(projectId, id as string), base));
    case "DELETE datasets/{id}":
      checkParameters(query, ["deleteContents"]);
      await context.store.deleteDataset(projectId, id as string, query.get("deleteContents") === "true");
      response.writeHead(204).end();
      return;
    case "POST datasets/{id}/tables": {
      checkParameters(query, []);
      const entry = await insertTable(context.store, projectId, id as string, await jsonBody(request, details));
      return sendJson(response, 200, await tableResource(context.store, entry, base));
    }
    case "GET datasets/{id}/tables/{id}":
      checkParameters(query, ["selectedFields", "view"]);
      return sendJson(
        response,
        200,
        await tableResource(context.store, await context.store.table(projectId, id as string, subId as string), base),
      );
    case "PATCH datasets/{id}/tables/{id}": {
      checkParameters(query, ["autodetect_schema"]);
      const entry = await context.store.table(projectId, id as string, subId as string);
      await patchTable(context.store, entry, await jsonBody(request, details));
      return sendJson(response, 200, await tableResource(context.store, entry, base));
    }
    case "DELETE datasets/{id}/tables/{id}":
      checkParameters(query, []);
      context.store.dataset(projectId, id as string);
      await context.store.deleteTable(projectId, id as string, subId as string);
      response.writeHead(204).end();
      return;
    case "POST jobs": {
      checkParameters(query, []);
      const record = await context.jobs.insertQuery(projectId, await jsonBody(request, details));
      return sendJson(response, 200, jobResource(record, base));
    }
    case "GET jobs/{id}":
      checkParameters(query, ["location"]);
      return sendJson(
        response,
        200,
        jobResource(context.jobs.poll(projectId, id as string, query.get("location") ?? undefined), base),
      );
    case "POST queries":
      checkParameters(query, []);
      return sendJson(response, 200, await runJobsQuery(context, projectId, await jsonBody(request, details)));
    case "GET queries/{id}": {
      checkParameters(query, resultParameters);
      const record = context.jobs.poll(projectId, id as string, query.get("location") ?? undefined);
      if (record.type !== "QUERY")
        throw invalid(`Job ${projectId}:${record.location}.${record.jobId} is not a query job.`);
      const reference = { projectId, jobId: record.jobId, location: record.location };
      if (record.state !== "DONE")
        return sendJson(response, 200, {
          kind: "bigquery#getQueryResultsResponse",
          jobReference: reference,
          jobComplete: false,
        });
      const failure = record.errors?.[0];
      if (failure !== undefined)
        throw new BigqueryApiError(failure.reason === "notFound" ? 404 : 400, failure.reason, failure.message);
      const page = resultPage(record.outcome ?? { statementType: "SELECT" }, {
        useInt64Timestamp: query.get("formatOptions.useInt64Timestamp") === "true",
        ...(query.get("pageToken") === null ? {} : { pageToken: query.get("pageToken") as string }),
        ...(positiveInteger(query, "maxResults") === undefined
          ? {}
          : { maxResults: positiveInteger(query, "maxResults") as number }),
        ...(positiveInteger(query, "startIndex") === undefined
          ? {}
          : { startIndex: positiveInteger(query, "startIndex") as number }),
      });
      return sendJson(response, 200, {
        kind: "bigquery#getQueryResultsResponse",
        jobReference: reference,
        jobComplete: true,
        cacheHit: false,
        totalBytesProcessed: "0",
        ...page,
      });
    }
    default:
      throw notFound(`URL ${method} ${url.pathname}`);
  }
}

const queryRequestFields = [
  "query",
  "useLegacySql",
  "defaultDataset",
  "location",
  "maxResults",
  "timeoutMs",
  "formatOptions",
  "requestId",
  "useQueryCache",
  "kind",
  "labels",
  "maximumBytesBilled",
  "jobCreationMode",
  "preserveNulls",
];

/** jobs.query: runs the query as a job and answers with the first page; a failure is an HTTP error, as in BigQuery. */
async function runJobsQuery(context: RouteContext, projectId: string, body: unknown): Promise<JsonObject> {
  const request = readResource(body, "QueryRequest", "request", queryRequestFields, ["createSession", "dryRun"]);
  if (request.createSession === true || request.dryRun === true) throw unsupported("Sessions and dry runs", "request");
  const formatOptions =
    request.formatOptions === undefined
      ? {}
      : readResource(request.formatOptions, "DataFormatOptions", "request.formatOptions", ["useInt64Timestamp"]);
  const {
    location: _location,
    maxResults,
    formatOptions: _format,
    requestId: _request,
    timeoutMs: _timeout,
    kind: _kind,
    labels,
    jobCreationMode: _mode,
    preserveNulls: _nulls,
    ...query
  } = request;
  const record = await context.jobs.insertQuery(
    projectId,
    { configuration: { query, ...(labels === undefined ? {} : { labels }) } },
    readString(request, "location", "request"),
  );
  while (record.state !== "DONE") context.jobs.poll(projectId, record.jobId, record.location);
  const failure = record.errors?.[0];
  if (failure !== undefined)
    throw new BigqueryApiError(failure.reason === "notFound" ? 404 : 400, failure.reason, failure.message);
  const page = resultPage(record.outcome ?? { statementType: "SELECT" }, {
    useInt64Timestamp: formatOptions.useInt64Timestamp === true,
    ...(maxResults === undefined ? {} : { maxResults: Number(maxResults) }),
  });
  return {
    kind: "bigquery#queryResponse",
    jobReference: { projectId, jobId: record.jobId, location: record.location },
    jobComplete: true,
    cacheHit: false,
    totalBytesProcessed: "0",
    statementType: record.outcome?.statementType,
    ...page,
  };
}
