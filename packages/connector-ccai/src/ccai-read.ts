import { HttpError, type ReadContext, type SourceMessage } from "@parley/core";
import { analysisRow, channelsOf } from "./ccai-analysis-records.ts";
import type { CcaiClient } from "./ccai-client.ts";
import type { CcaiConfig } from "./ccai-config.ts";
import { combineFilter, timeTerm } from "./ccai-filter.ts";
import { isObject, type JsonObject, timestampNanos } from "./ccai-proto.ts";
import { mapConversation } from "./ccai-records.ts";
import { type CcaiState, earliestState, laterTime } from "./ccai-state.ts";

const conversations = "conversations";
const analyses = "analyses";

/** The filter of one pass: the user's filter, then `update_time` after the watermark, up to the frozen upper bound. */
export function passFilter(userFilter: string | undefined, watermark: string | null, upperBound: string): string {
  return combineFilter(userFilter, [
    ...(watermark === null ? [] : [timeTerm("update_time", ">", watermark)]),
    timeTerm("update_time", "<=", upperBound),
  ]);
}

interface AnalysesRead {
  readonly messages: SourceMessage[];
  readonly bytes: number;
}

async function readAnalyses(client: CcaiClient, conversation: JsonObject, signal: AbortSignal): Promise<AnalysesRead> {
  const name = conversation.name as string;
  const channels = channelsOf(conversation);
  const messages: SourceMessage[] = [];
  let bytes = 0;
  let pageToken: string | undefined;
  do {
    const page = await client.listAnalyses(name, pageToken, signal);
    bytes += page.bytes;
    for (const analysis of page.items) {
      try {
        if (!isObject(analysis)) throw new Error("the analysis is not a JSON object");
        messages.push({ kind: "record", stream: analyses, record: analysisRow(analysis, name, channels) });
      } catch (error) {
        messages.push({ kind: "reject", stream: analyses, raw: analysis, reason: (error as Error).message });
      }
    }
    pageToken = page.nextPageToken;
  } while (pageToken !== undefined);
  return { messages, bytes };
}

/** Lists analyses of a page's analysed conversations a few at a time, keeping the page's order. */
async function analysesOfPage(
  client: CcaiClient,
  items: readonly unknown[],
  signal: AbortSignal,
): Promise<AnalysesRead[]> {
  const analysed = items.filter(
    (item): item is JsonObject => isObject(item) && typeof item.name === "string" && item.latestAnalysis !== undefined,
  );
  const results: AnalysesRead[] = new Array(analysed.length);
  let next = 0;
  const worker = async () => {
    while (next < analysed.length) {
      const index = next++;
      results[index] = await readAnalyses(client, analysed[index] as JsonObject, signal);
    }
  };
  await Promise.all(Array.from({ length: Math.min(8, analysed.length) }, worker));
  return results;
}

/**
 * One pass over the conversations changed since the watermark. The checkpoint after each page names the next page
 * token under the pass's frozen upper bound; the last one moves the watermark to the highest `updateTime` seen.
 */
export async function* readConversations(
  client: CcaiClient,
  config: CcaiConfig,
  context: ReadContext,
): AsyncIterable<SourceMessage> {
  const selected = [conversations, analyses].filter((stream) => context.streams.has(stream));
  const wantsConversations = selected.includes(conversations);
  const wantsAnalyses = selected.includes(analyses) && config.includeAnalyses;
  const start = earliestState(selected.map((stream) => context.state.get(stream)));
  const upperBound =
    start.pass?.upperBound ?? new Date(context.now().getTime() - config.settleSeconds * 1000).toISOString();
  const checkpoint = (state: CcaiState): SourceMessage[] =>
    selected.map((stream) => ({ kind: "checkpoint", stream, state }));
  if (
    start.watermark !== null &&
    timestampNanos(upperBound, "upperBound") <= timestampNanos(start.watermark, "watermark")
  ) {
    yield* checkpoint(start);
    return;
  }
  const filter = passFilter(config.filter, start.watermark, upperBound);
  let pageToken = start.pass?.pageToken;
  let maxSeen = start.pass?.maxSeen ?? null;
  let pages = start.pass?.pages ?? 0;
  for (;;) {
    let page: Awaited<ReturnType<CcaiClient["listConversations"]>>;
    try {
      page = await client.listConversations(
        { pageSize: config.pageSize, pageToken, filter, view: config.includeTranscripts ? "FULL" : "BASIC" },
        context.signal,
      );
    } catch (error) {
      // A stored token can expire or no longer match (AIP-158); the pass restarts under the same bounds, which only
      // re-reads rows that merge in place.
      if (
        !(HttpError.isInstance(error) && error.status === 400 && pageToken !== undefined && pages === start.pass?.pages)
      )
        throw error;
      context.logger.warn("the stored page token was refused; restarting the pass from its first page", { filter });
      pageToken = undefined;
      pages = 0;
      continue;
    }
    const analysisReads = wantsAnalyses ? await analysesOfPage(client, page.items, context.signal) : [];
    let analysed = 0;
    for (const item of page.items) {
      const mapped = mapConversation(item);
      maxSeen = laterTime(maxSeen, mapped.updateTime?.text ?? null);
      if (wantsConversations) {
        yield mapped.ok
          ? { kind: "record", stream: conversations, record: mapped.row }
          : { kind: "reject", stream: conversations, raw: item, reason: mapped.reason };
      }
      if (wantsAnalyses && isObject(item) && typeof item.name === "string" && item.latestAnalysis !== undefined) {
        yield* analysisReads[analysed++]?.messages ?? [];
      }
    }
    pages += 1;
    context.progress({
      kind: "page",
      stream: conversations,
      bytes: analysisReads.reduce((sum, read) => sum + read.bytes, page.bytes),
      detail: `page ${pages}: ${page.items.length} conversations`,
    });
    if (page.nextPageToken === undefined) break;
    pageToken = page.nextPageToken;
    yield* checkpoint({ watermark: start.watermark, pass: { upperBound, pageToken, maxSeen, pages } });
  }
  yield* checkpoint({ watermark: laterTime(start.watermark, maxSeen), pass: null });
}
