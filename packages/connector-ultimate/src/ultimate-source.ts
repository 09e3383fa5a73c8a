import { parseConfigOrThrow, type Source, type SourceFactory, type SourceMessage, WaitRelay } from "@parley/core";
import { readFromApi } from "./ultimate-api-reader.ts";
import { createUltimateClient, type UltimateClient } from "./ultimate-client.ts";
import { type UltimateConfig, type UltimateSettings, ultimateConfigSchema } from "./ultimate-config.ts";
import { expandFiles, readFromFiles } from "./ultimate-files-reader.ts";
import { streamName } from "./ultimate-messages.ts";
import { stateVersion, ultimateStateSchema } from "./ultimate-state.ts";
import { conversationsStream } from "./ultimate-streams.ts";

function createSource(config: UltimateConfig): Source {
  // Created on first use: a source performs no I/O (and opens no connection pool) until it is asked to.
  let client: UltimateClient | undefined;
  const waits = new WaitRelay();
  const api = (): UltimateClient => {
    if (config.mode !== "api") throw new Error("local-files mode has no API client");
    client ??= createUltimateClient(config, { onWait: waits.listener });
    return client;
  };
  return {
    apiVersion: 1,
    type: "ultimate",
    streams: [conversationsStream],
    stateVersion,
    stateSchema: ultimateStateSchema,
    async check(context) {
      if (config.mode === "files") {
        await expandFiles(config);
        return;
      }
      // One get-signed-urls call per bot proves the key, the organization and the bot ids; nothing is downloaded.
      for (const botId of config.botIds) await api().signedUrls(botId, config.startDate, context.signal);
    },
    // The readers are returned, not delegated to with yield*, which would add an await per record.
    read(context): AsyncIterable<SourceMessage> {
      if (!context.streams.has(streamName)) return (async function* () {})();
      waits.toProgress(context.progress, streamName);
      return config.mode === "files"
        ? readFromFiles(config, context)
        : readFromApi(config, api(), context, waits.listener);
    },
    async close() {
      const current = client;
      client = undefined;
      await current?.close();
    },
  };
}

/** An Ultimate (Zendesk AI agents) data-export source from user settings; throws a ConfigError naming each bad field. */
export function createUltimateSource(settings: UltimateSettings): Source {
  return createSource(parseConfigOrThrow(ultimateConfigSchema, settings, { subject: "Ultimate source settings" }));
}

/** The runner's registry entry for this source. */
export const ultimateSourceFactory: SourceFactory<typeof ultimateConfigSchema> = {
  apiVersion: 1,
  packageName: "@parley/connector-ultimate",
  type: "ultimate",
  configSchema: ultimateConfigSchema,
  create: createSource,
};
