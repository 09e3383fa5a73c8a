import type { ServerResponse } from "node:http";
import { sendJson } from "../server/emulator-server.ts";
import type { CcaiContext } from "./ccai-context.ts";
import { type CcaiView, encodeCcaiAnalysis, encodeCcaiConversation } from "./ccai-encoding.ts";
import { CcaiApiError } from "./ccai-errors.ts";
import { analysisFilterFields, compileCcaiFilter, conversationFilterFields } from "./ccai-filter-fields.ts";
import { readEnum, readQuery, streamList } from "./ccai-http.ts";
import { type Ordering, pageAfter, parseConversationOrder, parsePageSize, sortRecords } from "./ccai-paging.ts";
import type { CcaiAnalysis, CcaiConversation } from "./ccai-records.ts";

const views = ["CONVERSATION_VIEW_UNSPECIFIED", "BASIC", "FULL"] as const;
const viewType = "google.cloud.contactcenterinsights.v1.ConversationView";

function conversationOrNotFound(context: CcaiContext, parent: string, id: string): CcaiConversation {
  const conversation = context.store.get(id);
  if (!conversation) throw new CcaiApiError("NOT_FOUND", `Conversation ${parent}/conversations/${id} not found.`);
  return conversation;
}

/** ListConversations (vendor-apis §1.4): BASIC by default, keyset pages, token bound to filter/orderBy/view. */
export async function listConversations(
  context: CcaiContext,
  parent: string,
  query: URLSearchParams,
  response: ServerResponse,
): Promise<void> {
  const params = readQuery(query, ["pageSize", "pageToken", "filter", "orderBy", "view"]);
  const requested = readEnum(params.get("view"), views, "view", viewType);
  const view: CcaiView = requested === "FULL" ? "FULL" : "BASIC";
  const size = parsePageSize(params.get("pageSize") ?? null, context.pageSize);
  const filterText = params.get("filter") ?? "";
  const orderText = params.get("orderBy") ?? "";
  const matches = compileCcaiFilter(filterText, conversationFilterFields, context.filter);
  const ordering = parseConversationOrder(orderText);
  const binding = JSON.stringify(["conversations", parent, filterText, orderText.trim(), view]);
  const token = params.get("pageToken") ?? "";
  const cursor = token === "" ? undefined : context.pageTokens.read(binding, token);
  const sorted = sortRecords(context.store.all().filter(matches), ordering);
  const { page, more } = pageAfter(sorted, ordering, cursor, size);
  const last = page.at(-1);
  const next = more && last ? context.pageTokens.issue(binding, { value: ordering.key(last), id: last.id }) : undefined;
  const items = (function* () {
    for (const conversation of page) {
      const transcript = view === "FULL" ? context.generator.transcript(conversation) : undefined;
      yield encodeCcaiConversation(conversation, parent, transcript);
    }
  })();
  await streamList(response, "conversations", items, next);
}

/** GetConversation: FULL unless `view=BASIC` (vendor-apis §1.3). */
export function getConversation(
  context: CcaiContext,
  parent: string,
  id: string,
  query: URLSearchParams,
  response: ServerResponse,
): void {
  const params = readQuery(query, ["view"]);
  const requested = readEnum(params.get("view"), views, "view", viewType);
  const conversation = conversationOrNotFound(context, parent, id);
  const transcript = requested === "BASIC" ? undefined : context.generator.transcript(conversation);
  sendJson(response, 200, encodeCcaiConversation(conversation, parent, transcript));
}

const analysisOrder: Ordering<CcaiAnalysis> = { key: (analysis) => analysis.createTimeMicros, descending: false };

/** ListAnalyses: oldest first [I]; the default page size is not documented, 100 like conversations [I]. */
export async function listAnalyses(
  context: CcaiContext,
  parent: string,
  conversationId: string,
  query: URLSearchParams,
  response: ServerResponse,
): Promise<void> {
  const params = readQuery(query, ["pageSize", "pageToken", "filter"]);
  const size = parsePageSize(params.get("pageSize") ?? null, context.pageSize);
  const filterText = params.get("filter") ?? "";
  const matches = compileCcaiFilter(filterText, analysisFilterFields, context.filter);
  const conversation = conversationOrNotFound(context, parent, conversationId);
  const binding = JSON.stringify(["analyses", parent, conversationId, filterText]);
  const token = params.get("pageToken") ?? "";
  const cursor = token === "" ? undefined : context.pageTokens.read(binding, token);
  const sorted = sortRecords(conversation.analyses.filter(matches), analysisOrder);
  const { page, more } = pageAfter(sorted, analysisOrder, cursor, size);
  const last = page.at(-1);
  const next =
    more && last ? context.pageTokens.issue(binding, { value: last.createTimeMicros, id: last.id }) : undefined;
  const name = `${parent}/conversations/${conversation.id}`;
  await streamList(
    response,
    "analyses",
    page.map((analysis) => encodeCcaiAnalysis(analysis, name, parent)),
    next,
  );
}

export function getAnalysis(
  context: CcaiContext,
  parent: string,
  conversationId: string,
  analysisId: string,
  query: URLSearchParams,
  response: ServerResponse,
): void {
  readQuery(query, []);
  const conversation = conversationOrNotFound(context, parent, conversationId);
  const analysis = conversation.analyses.find((candidate) => candidate.id === analysisId);
  const name = `${parent}/conversations/${conversation.id}`;
  if (!analysis) throw new CcaiApiError("NOT_FOUND", `Analysis ${name}/analyses/${analysisId} not found.`);
  sendJson(response, 200, encodeCcaiAnalysis(analysis, name, parent));
}
