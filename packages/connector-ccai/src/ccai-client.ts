import {
  createHttpClient,
  type HttpClient,
  type HttpClientOptions,
  type HttpRequest,
  type QueryValue,
  type WaitListener,
} from "@parley/core";
import { createTokenProvider, type TokenProvider } from "./ccai-auth.ts";
import type { CcaiConfig } from "./ccai-config.ts";
import { isObject, type JsonObject } from "./ccai-proto.ts";

/** The global host serves `us-central1` (and `global`); other locations have a regional host (vendor-apis §1.1). */
export function ccaiBaseUrl(config: Pick<CcaiConfig, "location" | "baseUrl">): string {
  if (config.baseUrl !== undefined) return config.baseUrl.replace(/\/+$/, "");
  if (config.location === "us-central1" || config.location === "global")
    return "https://contactcenterinsights.googleapis.com";
  return `https://${config.location}-contactcenterinsights.googleapis.com`;
}

export interface ListPage<T> {
  readonly items: readonly T[];
  /** Absent on the last page: proto3 JSON omits an empty string (vendor-apis §1.4). */
  readonly nextPageToken: string | undefined;
  /** Size of the page's body, for progress. */
  readonly bytes: number;
}

export interface CcaiClient {
  readonly parent: string;
  listConversations(query: Record<string, QueryValue>, signal?: AbortSignal): Promise<ListPage<unknown>>;
  listAnalyses(
    conversationName: string,
    pageToken: string | undefined,
    signal?: AbortSignal,
  ): Promise<ListPage<unknown>>;
  exportInsightsData(body: JsonObject, signal?: AbortSignal): Promise<JsonObject>;
  getOperation(name: string, signal?: AbortSignal): Promise<JsonObject>;
  /** Whether a BigQuery table exists (tables.get at `apiUrl`, with the same Google credentials). */
  bigQueryTableExists(
    apiUrl: string,
    table: { readonly projectId: string; readonly dataset: string; readonly table: string },
    signal?: AbortSignal,
  ): Promise<boolean>;
  close(): Promise<void>;
}

export interface CcaiClientOptions {
  readonly onWait?: WaitListener;
  readonly retry?: HttpClientOptions["retry"];
  readonly tokens?: TokenProvider;
}

function page({ data, bytes }: { data: unknown; bytes: number }, key: string): ListPage<unknown> {
  if (data !== undefined && !isObject(data))
    throw new Error(`expected a JSON object with "${key}", got ${typeof data}`);
  const items = data?.[key] ?? [];
  const token = data?.nextPageToken;
  if (!Array.isArray(items)) throw new Error(`"${key}" in the response is not a list`);
  return { items, nextPageToken: typeof token === "string" && token !== "" ? token : undefined, bytes };
}

/** REST calls of CCAI Insights v1 through core's HTTP client; the bearer token is fetched per request (it expires). */
export function createCcaiClient(config: CcaiConfig, options: CcaiClientOptions = {}): CcaiClient {
  const tokens = options.tokens ?? createTokenProvider(config);
  const http: HttpClient = createHttpClient({
    baseUrl: ccaiBaseUrl(config),
    credentialName: tokens.credentialName,
    // 3000 requests per minute per project (vendor-apis §1.11).
    budget: [{ requests: 3000, windowMs: 60_000 }],
    ...(options.retry === undefined ? {} : { retry: options.retry }),
    ...(options.onWait === undefined ? {} : { onWait: options.onWait }),
  });
  const parent = `projects/${config.project}/locations/${config.location}`;
  const send = async (request: HttpRequest): Promise<{ data: unknown; bytes: number }> => {
    const authorization = await tokens.header();
    return http.json({ ...request, headers: { ...request.headers, authorization } });
  };
  const call = async (request: HttpRequest): Promise<unknown> => (await send(request)).data;
  return {
    parent,
    async listConversations(query, signal) {
      return page(
        await send({ path: `/v1/${parent}/conversations`, query, ...(signal ? { signal } : {}) }),
        "conversations",
      );
    },
    async listAnalyses(conversationName, pageToken, signal) {
      const query = { pageSize: 100, pageToken };
      return page(
        await send({ path: `/v1/${conversationName}/analyses`, query, ...(signal ? { signal } : {}) }),
        "analyses",
      );
    },
    async exportInsightsData(body, signal) {
      // Not retried by the client: a retried POST could start a second export; 429s are retried by the exporter.
      const data = await call({
        method: "POST",
        path: `/v1/${parent}/insightsdata:export`,
        json: body,
        retryable: false,
        ...(signal ? { signal } : {}),
      });
      if (!isObject(data)) throw new Error("the export answer is not an Operation object");
      return data;
    },
    async getOperation(name, signal) {
      const data = await call({ path: `/v1/${name}`, ...(signal ? { signal } : {}) });
      if (!isObject(data)) throw new Error("the operation answer is not an Operation object");
      return data;
    },
    async bigQueryTableExists(apiUrl, table, signal) {
      const path = ["projects", table.projectId, "datasets", table.dataset, "tables", table.table]
        .map(encodeURIComponent)
        .join("/");
      const response = await http.json({
        path: `${apiUrl.replace(/\/+$/, "")}/bigquery/v2/${path}`,
        query: { fields: "id" },
        headers: { authorization: await tokens.header() },
        acceptStatuses: [404],
        ...(signal ? { signal } : {}),
      });
      return response.status !== 404;
    },
    close: () => http.close(),
  };
}
