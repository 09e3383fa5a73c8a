import type { ServerResponse } from "node:http";
import { sendJson } from "../server/emulator-server.ts";
import type { CcaiContext } from "./ccai-context.ts";
import { CcaiApiError } from "./ccai-errors.ts";
import { parseExportRequest, validateExportRequest } from "./ccai-export-request.ts";
import { compileCcaiFilter, conversationFilterFields } from "./ccai-filter-fields.ts";
import { readQuery, streamList } from "./ccai-http.ts";
import { type Ordering, pageAfter, parsePageSize } from "./ccai-paging.ts";

/** 60 ExportInsightsData requests per minute per project (vendor-apis §1.11); window and limit are options. */
function chargeExportQuota(context: CcaiContext, project: string): void {
  const now = context.clock.nowMicros() / 1000;
  const recent = (context.exportTimes.get(project) ?? []).filter((time) => now - time < context.exportQuota.windowMs);
  if (recent.length >= context.exportQuota.limit) {
    context.exportTimes.set(project, recent);
    throw new CcaiApiError(
      "RESOURCE_EXHAUSTED",
      `Quota exceeded for quota metric 'Export insights data requests' and limit 'Export insights data requests per minute per project' of service 'contactcenterinsights.googleapis.com' for consumer 'project:${project}'.`,
      {
        details: [
          {
            "@type": "type.googleapis.com/google.rpc.ErrorInfo",
            reason: "RATE_LIMIT_EXCEEDED",
            domain: "googleapis.com",
            metadata: {
              service: "contactcenterinsights.googleapis.com",
              consumer: `projects/${project}`,
              quota_limit_value: String(context.exportQuota.limit),
            },
          },
        ],
      },
    );
  }
  recent.push(now);
  context.exportTimes.set(project, recent);
}

/**
 * ExportInsightsData (vendor-apis §1.12): validates, records the request and answers with a running Operation. With a
 * BigQuery writer configured, a successful export's rows are written first, so they are there once it reports done.
 */
export async function exportInsightsData(
  context: CcaiContext,
  parent: string,
  body: string,
  query: URLSearchParams,
  response: ServerResponse,
): Promise<void> {
  readQuery(query, []);
  const project = /^projects\/([^/]+)/.exec(parent)?.[1] ?? "";
  chargeExportQuota(context, project);
  const request = parseExportRequest(body, parent);
  validateExportRequest(request, project, context.existingBigQueryTables);
  const matches = compileCcaiFilter(request.filter, conversationFilterFields, context.filter);
  context.nextOperationNumber += 1;
  const operationId = `${((context.generator.seed >>> 0) % 9000) + 1000}${String(context.nextOperationNumber).padStart(15, "0")}`;
  const record = {
    operationName: `${parent}/operations/${operationId}`,
    request,
    conversationIds: context.store
      .all()
      .filter(matches)
      .map((conversation) => conversation.id),
    outcome: context.exportOutcome,
    createTimeMicros: context.clock.nowMicros(),
  };
  if (context.deliverExport !== undefined && record.outcome.kind !== "error") await context.deliverExport(record);
  const encoded = context.operations.add(record, context.exportPollsUntilDone);
  sendJson(response, 200, encoded);
}

export function getOperation(
  context: CcaiContext,
  name: string,
  query: URLSearchParams,
  response: ServerResponse,
): void {
  readQuery(query, []);
  const encoded = context.operations.poll(name, context.clock.nowMicros());
  if (!encoded) throw new CcaiApiError("NOT_FOUND", `Operation ${name} not found.`);
  sendJson(response, 200, encoded);
}

export function cancelOperation(
  context: CcaiContext,
  name: string,
  query: URLSearchParams,
  response: ServerResponse,
): void {
  readQuery(query, []);
  if (!context.operations.cancel(name, context.clock.nowMicros())) {
    throw new CcaiApiError("NOT_FOUND", `Operation ${name} not found.`);
  }
  sendJson(response, 200, {});
}

const operationOrder: Ordering<{ id: string; index: number }> = { key: (item) => item.index, descending: true };

/** ListOperations, newest first [I]; its `filter` is accepted only when empty (not emulated). */
export async function listOperations(
  context: CcaiContext,
  parent: string,
  query: URLSearchParams,
  response: ServerResponse,
): Promise<void> {
  const params = readQuery(query, ["pageSize", "pageToken", "filter"]);
  if ((params.get("filter") ?? "") !== "") {
    throw new CcaiApiError("UNIMPLEMENTED", "The emulator does not support filters on ListOperations.");
  }
  const size = parsePageSize(params.get("pageSize") ?? null, context.pageSize);
  const binding = JSON.stringify(["operations", parent]);
  const token = params.get("pageToken") ?? "";
  const cursor = token === "" ? undefined : context.pageTokens.read(binding, token);
  const { page, more } = pageAfter(context.operations.list(parent), operationOrder, cursor, size);
  const last = page.at(-1);
  const next = more && last ? context.pageTokens.issue(binding, { value: last.index, id: last.id }) : undefined;
  await streamList(
    response,
    "operations",
    page.map((item) => item.encoded()),
    next,
  );
}
