import { parseConfigOrThrow, type Sink, type SinkFactory } from "@parley/core";
import { createWarehouseSink } from "@parley/core/warehouse";
import { type BigqueryConfig, type BigquerySettings, bigqueryConfigSchema } from "./bigquery-config.ts";
import { createBigqueryDriver } from "./bigquery-driver.ts";

function sinkFromConfig(config: BigqueryConfig, authClient: BigquerySettings["authClient"]): Sink {
  return createWarehouseSink({ type: "bigquery", driver: createBigqueryDriver(config, authClient) });
}

/** A sink that loads into a BigQuery dataset through load jobs. No I/O happens until the first call. */
export function createBigquerySink(settings: BigquerySettings): Sink {
  const { authClient, ...rest } = settings;
  const config = parseConfigOrThrow(bigqueryConfigSchema, rest, {
    pathPrefix: "sink",
    subject: "BigQuery sink settings",
  });
  return sinkFromConfig(config, authClient);
}

/** The runner's registry entry for this sink (credentials from Application Default Credentials or `keyFilename`). */
export const bigquerySinkFactory: SinkFactory<typeof bigqueryConfigSchema> = {
  apiVersion: 1,
  packageName: "@parley/sink-bigquery",
  type: "bigquery",
  configSchema: bigqueryConfigSchema,
  create: (config) => sinkFromConfig(config, undefined),
};
