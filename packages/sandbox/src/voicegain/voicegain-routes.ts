import type { IncomingMessage, OutgoingHttpHeaders } from "node:http";
import type { RequestHandler } from "../server/emulator-server.ts";
import { jsonArrayPieces, streamBody } from "./voicegain-body.ts";
import type { CsvEncoder } from "./voicegain-csv.ts";
import { type FaultQueue, recordRequest, type VoicegainRequestRecord } from "./voicegain-faults.ts";
import { linkHeader, slicePage } from "./voicegain-paging.ts";
import type { QueryResult } from "./voicegain-query.ts";
import type { VoicegainRateLimiter } from "./voicegain-rate-limit.ts";
import { oncePerCall } from "./voicegain-records.ts";
import { type SelectContext, selectCalls } from "./voicegain-select.ts";
import type { VoicegainStore } from "./voicegain-store.ts";

export interface RouteContext {
  basePath: string;
  store: VoicegainStore;
  parseQuery: (parameters: URLSearchParams) => QueryResult;
  selectContext: () => SelectContext;
  csv: () => CsvEncoder;
  limiter: VoicegainRateLimiter | undefined;
  faults: FaultQueue;
  log: VoicegainRequestRecord[];
  /** The token a request authenticates with, or undefined when it does not. */
  authenticate: (authorization: string | undefined) => string | undefined;
}

const jsonType = "application/json; charset=utf-8";

/** `GET {basePath}/sa/call` and `GET {basePath}/sa/call/{callId}` (seed 002; vendor-apis §2.3-2.7). */
export function createVoicegainHandler(context: RouteContext): RequestHandler {
  const listPath = `${context.basePath}/sa/call`;
  return async (request, response) => {
    const url = new URL(request.url ?? "/", "http://emulator.invalid");
    const record = recordRequest(request.method ?? "GET", url, request.headers);
    context.log.push(record);
    const reply = (status: number, reason: string, detail: string, headers: OutgoingHttpHeaders = {}): void => {
      record.status = status;
      const text = JSON.stringify({ reason, detail });
      response.writeHead(status, { "Content-Type": jsonType, "Content-Length": Buffer.byteLength(text), ...headers });
      response.end(text);
    };

    const fault = context.faults.take(record);
    if (fault?.kind === "status") {
      const status = fault.status ?? 500;
      return reply(status, fault.reason ?? "Internal Server Error", fault.detail ?? "Injected fault");
    }
    if (fault?.kind === "rate-limit") {
      const retryAfter = String(fault.retryAfterSeconds ?? 1);
      return reply(429, "Too Many Requests", "API request limit exceeded", { "Retry-After": retryAfter });
    }
    const cutAfterBytes = fault?.kind === "cut" ? (fault.afterBytes ?? 1) : undefined;

    const callId = url.pathname.startsWith(`${listPath}/`) ? url.pathname.slice(listPath.length + 1) : undefined;
    if (url.pathname !== listPath && (callId === undefined || callId.includes("/"))) {
      return reply(404, "Not Found", `No resource at ${url.pathname}`);
    }
    if (request.method !== "GET") {
      return reply(405, "Method Not Allowed", `${request.method} is not supported here`, { Allow: "GET" });
    }
    const token = context.authenticate(request.headers.authorization);
    if (token === undefined) {
      const detail = request.headers.authorization ? "Invalid or revoked JWT" : "Missing Authorization header";
      return reply(401, "Unauthorized", detail, { "WWW-Authenticate": "Bearer" });
    }
    const limit = context.limiter?.take(token);
    const limitHeaders = limit?.headers ?? {};
    if (limit && !limit.allowed) {
      return reply(429, "Too Many Requests", "API request limit exceeded", limitHeaders);
    }
    const send = (status: number, headers: OutgoingHttpHeaders, pieces: Iterable<string>): Promise<void> => {
      record.status = status;
      return streamBody(response, status, { ...limitHeaders, ...headers }, pieces, cutAfterBytes);
    };

    if (callId !== undefined) {
      const inclSegments = url.searchParams.get("inclSegments");
      if (callId.length < 1 || callId.length > 48) {
        return reply(400, "Bad Request", "callId must be 1 to 48 characters", limitHeaders);
      }
      if (inclSegments !== null && !/^(true|false)$/i.test(inclSegments)) {
        return reply(
          400,
          "Bad Request",
          "Invalid value of query parameter 'inclSegments': must be true or false",
          limitHeaders,
        );
      }
      const call = context.store.get(decodeURIComponent(callId));
      if (!call) return reply(404, "Not Found", `Call ${callId} not found`, limitHeaders);
      return send(200, { "Content-Type": jsonType }, [JSON.stringify(call)]);
    }

    const parsed = context.parseQuery(url.searchParams);
    if ("error" in parsed) return reply(400, "Bad Request", parsed.error, limitHeaders);
    const { query } = parsed;
    const selected = selectCalls(context.store.all(), query, context.selectContext());
    const page = slicePage(selected, query.page, query.perPage);
    const headers: OutgoingHttpHeaders = {
      "X-Total-Count": String(page.total),
      Link: linkHeader(resourceUrl(request, listPath), url.searchParams, query.page, query.perPage, page.lastPage),
    };
    if (query.format === "csv") {
      const encoder = context.csv();
      const rows = function* (): Generator<string> {
        yield encoder.header();
        for (const call of page.items) yield encoder.row(call);
      };
      return send(200, { ...headers, "Content-Type": "text/csv; charset=utf-8" }, rows());
    }
    return send(200, { ...headers, "Content-Type": jsonType }, jsonArrayPieces(page.items, callJson));
  };
}

/** A call's JSON text (serving a page was ~0.4 CPU-s of JSON.stringify per 50k calls on a benchmark's cores). */
const callJson = oncePerCall((call) => JSON.stringify(call));

function resourceUrl(request: IncomingMessage, path: string): string {
  const host = request.headers.host ?? `${request.socket.localAddress}:${request.socket.localPort}`;
  return `http://${host}${path}`;
}
