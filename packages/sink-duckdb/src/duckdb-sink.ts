import { parseConfigOrThrow, type Sink, type SinkFactory } from "@parley/core";
import { createWarehouseSink } from "@parley/core/warehouse";
import { type DuckdbConfig, type DuckdbSettings, duckdbConfigSchema } from "./duckdb-config.ts";
import { createDuckdbDriver } from "./duckdb-driver.ts";

function sinkFromConfig(config: DuckdbConfig): Sink {
  return createWarehouseSink({ type: "duckdb", driver: createDuckdbDriver(config) });
}

/** A sink that loads into a DuckDB database file. No I/O happens until the first call. */
export function createDuckdbSink(settings: DuckdbSettings = {}): Sink {
  return sinkFromConfig(
    parseConfigOrThrow(duckdbConfigSchema, settings, { pathPrefix: "sink", subject: "DuckDB sink settings" }),
  );
}

/** The runner's registry entry for this sink. */
export const duckdbSinkFactory: SinkFactory<typeof duckdbConfigSchema> = {
  apiVersion: 1,
  packageName: "@parley/sink-duckdb",
  type: "duckdb",
  configSchema: duckdbConfigSchema,
  create: sinkFromConfig,
};
