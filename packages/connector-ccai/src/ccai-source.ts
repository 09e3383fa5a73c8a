import {
  type JsonValue,
  parseConfigOrThrow,
  type Source,
  type SourceFactory,
  type StreamDefinition,
  WaitRelay,
} from "@parley/core";
import type { z } from "zod";
import { type CcaiClient, createCcaiClient } from "./ccai-client.ts";
import { type CcaiConfig, type CcaiSettings, ccaiConfigSchema } from "./ccai-config.ts";
import { readConversations } from "./ccai-read.ts";
import { ccaiStateSchema } from "./ccai-state.ts";
import { analysesStream, conversationsStream } from "./ccai-streams.ts";

function sourceFromConfig(config: CcaiConfig): Source {
  let client: CcaiClient | undefined;
  const waits = new WaitRelay();
  const clientFor = (): CcaiClient => {
    client ??= createCcaiClient(config, { onWait: waits.listener });
    return client;
  };
  const streams: StreamDefinition[] = config.includeAnalyses
    ? [conversationsStream, analysesStream]
    : [conversationsStream];
  return {
    apiVersion: 1,
    type: "ccai",
    streams,
    stateVersion: 1,
    stateSchema: ccaiStateSchema as unknown as z.ZodType<JsonValue>,
    async check(context) {
      // One conversation with the user's filter proves the credentials, the project/location and the filter syntax.
      await clientFor().listConversations({ pageSize: 1, filter: config.filter, view: "BASIC" }, context.signal);
    },
    read(context) {
      waits.toProgress(context.progress, conversationsStream.name);
      return readConversations(clientFor(), config, context);
    },
    async close() {
      const open = client;
      client = undefined;
      await open?.close();
    },
  };
}

/** A CCAI Insights source from settings as a user writes them; throws `ConfigError` naming each bad field. */
export function createCcaiSource(settings: CcaiSettings): Source {
  return sourceFromConfig(parseConfigOrThrow(ccaiConfigSchema, settings, { subject: "ccai source settings" }));
}

export const ccaiSourceFactory: SourceFactory<typeof ccaiConfigSchema> = {
  type: "ccai",
  configSchema: ccaiConfigSchema,
  create: sourceFromConfig,
};
