import type { ReadContext, SourceMessage } from "@parley/core";
import { type CallPage, PageFetcher, type VoicegainClient } from "./voicegain-client.ts";
import type { VoicegainConfig } from "./voicegain-config.ts";
import type { ExportBounds } from "./voicegain-consecutive.ts";
import { finishedPhases } from "./voicegain-page.ts";
import { callContext } from "./voicegain-records.ts";
import { idFilters, type VoicegainState, type WindowState } from "./voicegain-state.ts";
import { callsStream } from "./voicegain-streams.ts";

const stream = callsStream.name;

/** Continues an interrupted window with the same bounds, filters and page size; anything else starts afresh. */
function startingWindow(
  previous: WindowState | null,
  config: VoicegainConfig,
  bounds: ExportBounds,
  now: Date,
): WindowState {
  const filters = idFilters(config);
  const resumable =
    previous !== null &&
    !previous.complete &&
    previous.fromTime === bounds.fromTime &&
    (bounds.toTime === undefined || previous.toTime === bounds.toTime) &&
    previous.filters === filters &&
    previous.perPage === config.perPage;
  if (resumable) return previous;
  // An open-ended window is pinned at its first start, so a resumed run pages through the same call set.
  const toTime = bounds.toTime ?? now.toISOString().replace(/\.\d{3}Z$/, "Z");
  return { fromTime: bounds.fromTime ?? "", toTime, filters, perPage: config.perPage, nextPage: 1, complete: false };
}

/**
 * Window mode: the calls that started between fromTime and toTime, paged with `page`/`per_page` and the
 * `X-Total-Count`/`Link` headers (vendor-apis §2.4). For backfills and for picking up calls changed after export
 * (QA review, recompute): rows merge on call_id. It never changes the consecutive position. Calls still being
 * processed are left for the consecutive export (or a later window run), as the vendor's consecutive mode does.
 * A sink that loads raw records gets a CSV page's finished calls as raw records (the phase is read from the record
 * first); a JSON page's are mapped here, since leaving calls out needs each one's phase.
 */
export async function* readWindow(
  client: VoicegainClient,
  config: VoicegainConfig,
  bounds: ExportBounds,
  state: VoicegainState,
  context: ReadContext,
): AsyncGenerator<SourceMessage> {
  let window = startingWindow(state.window, config, bounds, context.now());
  if (window.nextPage > 1) {
    context.progress({
      kind: "note",
      stream,
      message: `resuming the window ${window.fromTime} to ${window.toTime} at page ${window.nextPage}`,
    });
  }
  let unfinished = 0;
  const rawRecords = context.rawRecords === true && config.format === "csv";
  const prefetch = new PageFetcher(client, context.signal);
  const query = (pageNumber: number) => ({
    page: pageNumber,
    fromTime: window.fromTime,
    toTime: window.toTime,
    rawRecords,
    onlyFinished: true,
  });
  try {
    let next: Promise<CallPage> | undefined = prefetch.start(query(window.nextPage));
    for (let pageNumber = window.nextPage; next !== undefined; pageNumber++) {
      const page: CallPage = await next;
      context.progress({
        kind: "page",
        stream,
        bytes: page.bytes,
        detail: `window page ${pageNumber}, ${page.calls} call(s)`,
      });
      const more =
        page.calls > 0 &&
        (page.hasNext ??
          (page.total !== undefined ? pageNumber * config.perPage < page.total : page.calls >= config.perPage));
      next = more ? prefetch.start(query(pageNumber + 1)) : undefined;
      for (const entry of page.entries) {
        if (entry.kind === "reject") {
          yield { kind: "reject", stream, raw: entry.raw, reason: entry.reason };
        } else if (finishedPhases.has(String(entry.row.progress_phase))) {
          yield { kind: "record", stream, record: entry.row };
        } else {
          unfinished += 1;
        }
      }
      for (const part of page.raw) yield { kind: "raw", stream, records: part.records, context: callContext };
      unfinished += page.unfinished ?? 0;
      window = { ...window, nextPage: pageNumber + 1, complete: !more };
      yield { kind: "checkpoint", stream, state: { consecutive: state.consecutive, window } };
    }
  } finally {
    prefetch.stop();
  }
  if (unfinished > 0) {
    context.progress({
      kind: "note",
      stream,
      message: `${unfinished} call(s) still being processed were left out; a later run exports them`,
    });
  }
}
