import type { IncomingMessage, ServerResponse } from "node:http";
import { readBody } from "../server/emulator-server.ts";
import type { CcaiContext, CcaiFaultStatus } from "./ccai-context.ts";
import { CcaiApiError, sendCcaiError } from "./ccai-errors.ts";
import { checkAuth } from "./ccai-http.ts";
import { getAnalysis, getConversation, listAnalyses, listConversations } from "./ccai-routes-conversations.ts";
import { cancelOperation, exportInsightsData, getOperation, listOperations } from "./ccai-routes-export.ts";

interface Route {
  method: "GET" | "POST";
  pattern: RegExp;
  permission: string;
  handle: (context: CcaiContext, match: string[], request: Request) => Promise<void> | void;
}

interface Request {
  query: URLSearchParams;
  body: string;
  response: ServerResponse;
}

const location = "projects/[^/:]+/locations/[^/:]+";
const segment = "[^/:]+";

/** The REST mapping of the methods a loader needs (vendor-apis §1.3); the first group is always the resource name. */
const routes: Route[] = [
  {
    method: "GET",
    pattern: new RegExp(`^(${location})/conversations$`),
    permission: "contactcenterinsights.conversations.list",
    handle: (context, [parent = ""], request) => listConversations(context, parent, request.query, request.response),
  },
  {
    method: "GET",
    pattern: new RegExp(`^(${location})/conversations/(${segment})$`),
    permission: "contactcenterinsights.conversations.get",
    handle: (context, [parent = "", id = ""], request) =>
      getConversation(context, parent, id, request.query, request.response),
  },
  {
    method: "GET",
    pattern: new RegExp(`^(${location})/conversations/(${segment})/analyses$`),
    permission: "contactcenterinsights.analyses.list",
    handle: (context, [parent = "", id = ""], request) =>
      listAnalyses(context, parent, id, request.query, request.response),
  },
  {
    method: "GET",
    pattern: new RegExp(`^(${location})/conversations/(${segment})/analyses/(${segment})$`),
    permission: "contactcenterinsights.analyses.get",
    handle: (context, [parent = "", id = "", analysis = ""], request) =>
      getAnalysis(context, parent, id, analysis, request.query, request.response),
  },
  {
    method: "POST",
    pattern: new RegExp(`^(${location})/insightsdata:export$`),
    permission: "contactcenterinsights.conversations.export",
    handle: (context, [parent = ""], request) =>
      exportInsightsData(context, parent, request.body, request.query, request.response),
  },
  {
    method: "GET",
    pattern: new RegExp(`^(${location})/operations$`),
    permission: "contactcenterinsights.operations.list",
    handle: (context, [parent = ""], request) => listOperations(context, parent, request.query, request.response),
  },
  {
    method: "GET",
    pattern: new RegExp(`^(${location}/operations/${segment})$`),
    permission: "contactcenterinsights.operations.get",
    handle: (context, [name = ""], request) => getOperation(context, name, request.query, request.response),
  },
  {
    method: "POST",
    pattern: new RegExp(`^(${location}/operations/${segment}):cancel$`),
    permission: "contactcenterinsights.operations.cancel",
    handle: (context, [name = ""], request) => cancelOperation(context, name, request.query, request.response),
  },
];

const faultMessages: Record<CcaiFaultStatus, string> = {
  RESOURCE_EXHAUSTED:
    "Quota exceeded for quota metric 'Total requests' and limit 'Total requests per minute per project'.",
  UNAVAILABLE: "The service is currently unavailable.",
  INTERNAL: "Internal error encountered.",
};

/** Dispatches one request; returns the HTTP status it answered with (for the request log). */
export async function routeCcaiRequest(
  context: CcaiContext,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<number> {
  const url = new URL(request.url ?? "/", "http://emulator");
  try {
    const fault = context.faults[0];
    if (fault) {
      fault.remaining -= 1;
      if (fault.remaining <= 0) context.faults.shift();
      throw new CcaiApiError(fault.status, faultMessages[fault.status]);
    }
    const path = decodeURIComponent(url.pathname).replace(/^\/v1\//, "");
    const candidates = url.pathname.startsWith("/v1/") ? routes.filter((route) => route.pattern.test(path)) : [];
    const route = candidates.find((candidate) => candidate.method === request.method);
    if (!route) {
      if (candidates.length > 0)
        throw new CcaiApiError("UNIMPLEMENTED", `${request.method} ${url.pathname} is not emulated.`);
      throw new CcaiApiError("NOT_FOUND", `The requested URL ${url.pathname} was not found on this server.`);
    }
    const match = route.pattern.exec(path)?.slice(1) ?? [];
    checkAuth(request.headers, url.searchParams, context.auth, route.permission, match[0] ?? "");
    const body = request.method === "POST" ? await readBody(request) : "";
    await route.handle(context, match, { query: url.searchParams, body, response });
    return response.statusCode;
  } catch (error) {
    if (error instanceof CcaiApiError) {
      if (response.headersSent) throw error;
      return sendCcaiError(response, error);
    }
    throw error;
  }
}
