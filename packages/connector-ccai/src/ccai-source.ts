import {
  type CheckContext,
  ConfigError,
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

/**
 * Google's reference: the export's destination table must exist (the dataset alone is not enough), staging
 * included. A missing one fails the check naming its setting; found ones are logged.
 */
async function checkExportTables(client: CcaiClient, config: CcaiConfig, context: CheckContext): Promise<void> {
  const settings = config.exportToBigQuery;
  if (settings === undefined) return;
  const projectId = settings.projectId ?? config.project;
  const wanted = [
    { field: "exportToBigQuery.table", table: settings.table },
    ...(settings.stagingTable === undefined
      ? []
      : [{ field: "exportToBigQuery.stagingTable", table: settings.stagingTable }]),
  ];
  const found: string[] = [];
  const missing: { path: string; message: string }[] = [];
  for (const { field, table } of wanted) {
    const name = `${projectId}.${settings.dataset}.${table}`;
    if (
      await client.bigQueryTableExists(
        settings.bigQueryApiUrl,
        { projectId, dataset: settings.dataset, table },
        context.signal,
      )
    )
      found.push(name);
    else
      missing.push({
        path: field,
        message: `BigQuery table ${name} does not exist; CCAI's export writes only into an existing table: create it (with the export's schema) or change the setting`,
      });
  }
  if (missing.length > 0) throw new ConfigError(missing);
  context.logger.info(`export destination ready: ${found.join(" and ")} exist`);
}

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
      if (config.exportToBigQuery !== undefined) await checkExportTables(clientFor(), config, context);
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
  apiVersion: 1,
  packageName: "@parley/connector-ccai",
  type: "ccai",
  configSchema: ccaiConfigSchema,
  create: sourceFromConfig,
};
