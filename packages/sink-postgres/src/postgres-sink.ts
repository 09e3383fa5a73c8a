import { parseConfigOrThrow, registerSecret, type Sink, type SinkFactory } from "@parley/core";
import { createWarehouseSink } from "@parley/core/warehouse";
import { type PostgresConfig, type PostgresSettings, postgresConfigSchema } from "./postgres-config.ts";
import { createPostgresDriver } from "./postgres-driver.ts";

/** A sink that loads into PostgreSQL with COPY. No I/O happens until the first call. */
function sinkFromConfig(config: PostgresConfig): Sink {
  if (config.url !== undefined) {
    // The url is redacted as a whole already; its password part must be too, wherever it shows up alone.
    const password = URL.canParse(config.url.reveal()) ? new URL(config.url.reveal()).password : "";
    if (password !== "") registerSecret(decodeURIComponent(password));
  }
  return createWarehouseSink({ type: "postgres", driver: createPostgresDriver(config) });
}

export function createPostgresSink(settings: PostgresSettings): Sink {
  return sinkFromConfig(
    parseConfigOrThrow(postgresConfigSchema, settings, { pathPrefix: "sink", subject: "PostgreSQL sink settings" }),
  );
}

/** The runner's registry entry for this sink. */
export const postgresSinkFactory: SinkFactory<typeof postgresConfigSchema> = {
  apiVersion: 1,
  packageName: "@parley/sink-postgres",
  type: "postgres",
  configSchema: postgresConfigSchema,
  create: sinkFromConfig,
};
