import { parseConfigOrThrow, type Source, type SourceFactory, type SourceMessage } from "@parley/core";
import { VoicegainClient } from "./voicegain-client.ts";
import { type VoicegainConfig, type VoicegainSettings, voicegainConfigSchema } from "./voicegain-config.ts";
import {
  consecutiveDefaultFromTime,
  consecutiveToTime,
  type ExportBounds,
  readConsecutive,
} from "./voicegain-consecutive.ts";
import { readState, stateSchema } from "./voicegain-state.ts";
import { callsStream, voicegainStreams } from "./voicegain-streams.ts";
import { parseQueryTime } from "./voicegain-time.ts";
import { readWindow } from "./voicegain-window.ts";

function utc(text: string | undefined, zone: string): string | undefined {
  const epoch = text === undefined ? undefined : parseQueryTime(text, zone);
  return epoch === undefined ? undefined : new Date(epoch).toISOString().replace(/\.000Z$/, "Z");
}

/**
 * Sends query times in UTC, so the account's own zone setting never changes which calls match (vendor-apis §2.8 #4).
 * Consecutive mode always sends both, as Voicegain's own export script does: the server applies a default range to
 * a request without them (vendor-apis §2.4).
 */
function exportBounds(config: VoicegainConfig): ExportBounds {
  const zone = config.timeZone ?? "UTC";
  const fromTime = utc(config.fromTime, zone);
  const toTime = utc(config.toTime, zone);
  if (config.mode === "window") return { fromTime, toTime };
  return {
    fromTime: fromTime ?? consecutiveDefaultFromTime,
    toTime: toTime ?? consecutiveToTime,
    configured: { fromTime, toTime },
  };
}

function createSource(config: VoicegainConfig): Source {
  // The HTTP client opens no connection until the first request.
  const client = new VoicegainClient(config);
  const bounds = exportBounds(config);
  let closed = false;
  return {
    apiVersion: 1,
    type: "voicegain",
    streams: voicegainStreams,
    stateVersion: 1,
    stateSchema,
    async check(context) {
      await client.check(context.signal);
    },
    async *read(context): AsyncGenerator<SourceMessage> {
      if (!context.streams.has(callsStream.name)) return;
      client.waits.toProgress(context.progress, callsStream.name);
      client.csvTimeHint.lastStart = undefined;
      const state = readState(context.state.get(callsStream.name));
      yield* config.mode === "window"
        ? readWindow(client, config, bounds, state, context)
        : readConsecutive(client, config, bounds, state, context);
    },
    async close() {
      if (closed) return;
      closed = true;
      await client.close();
    },
  };
}

/** A Voicegain Speech Analytics source (call export, `GET /sa/call`) from settings as a user writes them. */
export function createVoicegainSource(settings: VoicegainSettings): Source {
  return createSource(parseConfigOrThrow(voicegainConfigSchema, settings, { subject: "voicegain settings" }));
}

export const voicegainSourceFactory: SourceFactory<typeof voicegainConfigSchema> = {
  apiVersion: 1,
  packageName: "@parley/connector-voicegain",
  type: "voicegain",
  configSchema: voicegainConfigSchema,
  create: createSource,
};
