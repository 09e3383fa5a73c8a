import {
  ConfigError,
  HttpError,
  type JsonValue,
  type ReadContext,
  type SourceMessage,
  type WaitListener,
} from "@parley/core";
import type { UltimateClient } from "./ultimate-client.ts";
import { type UltimateApiConfig, v2WindowDays } from "./ultimate-config.ts";
import { addDays, dayOf, daysBetween, earlierDay, laterDay } from "./ultimate-days.ts";
import { downloadElements } from "./ultimate-download.ts";
import { elementMessage, streamName } from "./ultimate-messages.ts";
import { recordContext } from "./ultimate-records.ts";
import { type BotsState, botsStateSchema } from "./ultimate-state.ts";

/** The first day to read for a bot: the configured start, or the stored cursor minus the lookback, whichever is later. */
export function firstDay(config: UltimateApiConfig, cursor: string | undefined): string {
  // Explicit config wins over stored state: a startDate past the cursor skips ahead.
  return cursor === undefined ? config.startDate : laterDay(config.startDate, addDays(cursor, 1 - config.lookbackDays));
}

function storedBots(stored: JsonValue | undefined, context: ReadContext): Record<string, string> {
  const parsed = botsStateSchema.safeParse(stored);
  if (stored !== undefined && !parsed.success)
    context.logger.warn(
      "stored state is not API-mode state (was the source in local-files mode?); starting at startDate",
    );
  return parsed.success ? { ...parsed.data.bots } : {};
}

/**
 * API mode: for each bot and each UTC day from its cursor up to yesterday (the latest complete day, seed 004),
 * get the day's signed links and stream every file. A checkpoint follows each (bot, day): its state claims
 * the day only once all of the day's records were emitted.
 */
export async function* readFromApi(
  config: UltimateApiConfig,
  client: UltimateClient,
  context: ReadContext,
  onWait: WaitListener,
): AsyncGenerator<SourceMessage> {
  const bots = storedBots(context.state.get(streamName), context);
  const raw = context.rawRecords === true;
  const today = dayOf(context.now());
  const lastDay = earlierDay(config.endDate ?? addDays(today, -1), addDays(today, -1));
  const windowStart = addDays(today, -v2WindowDays);
  for (const botId of config.botIds) {
    let first = firstDay(config, bots[botId]);
    if (config.apiVersion === "v2" && first < windowStart) {
      if (bots[botId] === undefined) {
        throw new ConfigError([
          {
            path: "startDate",
            message: `the legacy v2 export only serves the last ${v2WindowDays} days (from ${windowStart} today); use a later startDate, or apiVersion v3`,
          },
        ]);
      }
      if (addDays(bots[botId], 1) < windowStart)
        context.logger.warn(
          `bot ${botId}: days ${addDays(bots[botId], 1)} to ${addDays(windowStart, -1)} are older than the v2 export keeps; they cannot be loaded`,
        );
      first = windowStart;
    }
    for (const date of daysBetween(first, lastDay)) {
      context.signal.throwIfAborted();
      const urls = await client.signedUrls(botId, date, context.signal);
      if (urls === undefined)
        context.progress({ kind: "note", stream: streamName, message: `bot ${botId}, ${date}: no export (404)` });
      const origin = { botId, exportDate: date, exportVersion: config.apiVersion };
      for (let file = 0; file < (urls?.length ?? 0); file++) {
        const where = `bot ${botId}, ${date}, file ${file + 1} of ${urls?.length}`;
        const fileContext = recordContext(origin, where);
        context.progress({ kind: "page", stream: streamName, detail: where });
        const link = async (fresh: boolean): Promise<string> => {
          const current = fresh ? await client.signedUrls(botId, date, context.signal) : urls;
          const url = current?.[file];
          if (url === undefined) {
            throw new HttpError(`${where}: the day's file list changed while it was read; run the sync again`, {
              method: "POST",
              url: `/data-export/${config.apiVersion}/get-signed-urls`,
              attempts: 1,
              isRetryable: true,
            });
          }
          return url;
        };
        const elements = downloadElements({
          client,
          raw,
          link,
          signal: context.signal,
          onBytes: (bytes) => context.progress({ kind: "bytes", stream: streamName, bytes }),
          onWait,
          onResume: (offset, why) =>
            context.progress({
              kind: "note",
              stream: streamName,
              message: `${where}: ${why}; resuming at byte ${offset}`,
            }),
        });
        for await (const batch of elements) {
          for (const element of batch) yield elementMessage(element, fileContext);
        }
      }
      bots[botId] = bots[botId] === undefined ? date : laterDay(bots[botId], date);
      yield {
        kind: "checkpoint",
        stream: streamName,
        state: { bots: { ...bots }, lookbackDays: config.lookbackDays } satisfies BotsState,
      };
    }
  }
  yield {
    kind: "checkpoint",
    stream: streamName,
    state: { bots: { ...bots }, lookbackDays: config.lookbackDays } satisfies BotsState,
  };
}
