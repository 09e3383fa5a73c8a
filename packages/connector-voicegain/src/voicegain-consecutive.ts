import { HttpError, type ReadContext, rawRecordTexts, type SourceMessage } from "@parley/core";
import { type CallPage, PageFetcher, type VoicegainClient } from "./voicegain-client.ts";
import type { VoicegainConfig } from "./voicegain-config.ts";
import { callContext, mapJsonCall } from "./voicegain-records.ts";
import { idFilters, type VoicegainState } from "./voicegain-state.ts";
import { callsStream } from "./voicegain-streams.ts";

export interface ExportBounds {
  /** RFC 3339 UTC, already converted from the configured time zone. */
  readonly fromTime: string | undefined;
  readonly toTime: string | undefined;
  /** Consecutive mode: what the user configured (before the defaults), which names the export's filters. */
  readonly configured?: { readonly fromTime: string | undefined; readonly toTime: string | undefined };
}

/** Consecutive mode's fromTime when none is configured: the default of Voicegain's own export script. */
export const consecutiveDefaultFromTime = "2024-08-01T00:00:00Z";
/** Consecutive mode's toTime when none is configured: the script's far-future end, "to get all the data". */
export const consecutiveToTime = "2525-01-01T00:00:00Z";

const stream = callsStream.name;

/**
 * The vendor's incremental export (seed 002): `consecutive=true`, ascending callId, stopping at the first call still
 * being processed. Every request asks for page 1 after the highest callId seen so far, instead of the KB loop's
 * constant afterCallId with page 2, 3...: each request then stands alone (a resume from any checkpoint is the same
 * request as continuing), and calls deleted or finished below the cursor mid-run cannot shift later pages and make
 * the loop skip calls (vendor-apis §2.4 (b)).
 */
export async function* readConsecutive(
  client: VoicegainClient,
  config: VoicegainConfig,
  bounds: ExportBounds,
  state: VoicegainState,
  context: ReadContext,
): AsyncGenerator<SourceMessage> {
  // Named by the configured times, so the defaults (sent since they were introduced) do not read as a change.
  const named = bounds.configured ?? bounds;
  const filters = `${idFilters(config)};fromTime=${named.fromTime ?? "*"};toTime=${named.toTime ?? "*"}`;
  const position = state.consecutive;
  if (position !== null && position.filters !== filters) {
    const message = `the filters changed since the last consecutive export (was ${position.filters}); calls of the new filters at or below callId ${position.afterCallId} are not re-exported: run a window-mode backfill for them`;
    context.logger.warn(message);
    context.progress({ kind: "note", stream, message });
  }
  // A sink that loads raw records gets a page's calls as raw records (a CSV page's as JSON calls); the cursor moves
  // the same.
  const rawRecords = context.rawRecords === true;
  let afterCallId = position?.afterCallId ?? 0;
  let exported = 0;
  let checkpointed = false;
  // The next page is requested before this one's calls are handed on, so the vendor prepares it meanwhile.
  const prefetch = new PageFetcher(client, context.signal);
  try {
    let next: Promise<CallPage> | undefined = prefetch.start({
      page: 1,
      consecutive: true,
      afterCallId,
      fromTime: bounds.fromTime,
      toTime: bounds.toTime,
      rawRecords,
    });
    while (next !== undefined) {
      const page = await next;
      next = undefined;
      context.progress({
        kind: "page",
        stream,
        bytes: page.bytes,
        detail: `afterCallId=${afterCallId}, ${page.calls} call(s)`,
      });
      if (page.calls === 0) break;
      let highest = afterCallId;
      for (const entry of page.entries)
        if (entry.callId !== undefined && entry.callId > highest) highest = entry.callId;
      for (const part of page.raw)
        if (part.highestCallId !== undefined && part.highestCallId > highest) highest = part.highestCallId;
      if (highest <= afterCallId) {
        throw new HttpError(
          `The consecutive export returned ${page.calls} call(s) but none with a callId above ${afterCallId}, so it cannot advance; the unreadable rows: ${rejectReasons(page).join("; ")}`,
          { method: "GET", url: "/sa/call", attempts: 1, isRetryable: false },
        );
      }
      // A short page is where the export stops for now (end of data, or a call still processing); the next run goes on.
      const more = page.total !== undefined ? page.total > page.calls : page.calls >= config.perPage;
      if (more)
        next = prefetch.start({
          page: 1,
          consecutive: true,
          afterCallId: highest,
          fromTime: bounds.fromTime,
          toTime: bounds.toTime,
          rawRecords,
        });
      for (const entry of page.entries) {
        yield entry.kind === "call"
          ? { kind: "record", stream, record: entry.row }
          : { kind: "reject", stream, raw: entry.raw, reason: entry.reason };
      }
      for (const part of page.raw) yield { kind: "raw", stream, records: part.records, context: callContext };
      afterCallId = highest;
      exported += page.calls;
      // Checkpoint after each page: the state covers exactly the calls emitted so far.
      yield { kind: "checkpoint", stream, state: { consecutive: { afterCallId, filters }, window: state.window } };
      checkpointed = true;
    }
  } finally {
    prefetch.stop();
  }
  if (!checkpointed) {
    yield { kind: "checkpoint", stream, state: { consecutive: { afterCallId, filters }, window: state.window } };
  }
  context.progress({
    kind: "note",
    stream,
    message: `consecutive export: ${exported} call(s), now after callId ${afterCallId}; calls still being processed come in a later run`,
  });
}

/** Why a page's calls could not be read, for the message of a page that cannot move the cursor (rare: parsed here). */
function rejectReasons(page: CallPage): string[] {
  const entries = [
    ...page.entries,
    ...page.raw.flatMap((part) => rawRecordTexts(part.records).map((text) => readableCall(text))),
  ];
  return entries.map((entry) => (entry.kind === "reject" ? entry.reason : ""));
}

function readableCall(text: string): { kind: "call" } | { kind: "reject"; reason: string } {
  try {
    const mapped = mapJsonCall(JSON.parse(text));
    return mapped.ok ? { kind: "call" } : { kind: "reject", reason: mapped.reason };
  } catch (error) {
    return { kind: "reject", reason: `not valid JSON (${(error as Error).message})` };
  }
}
