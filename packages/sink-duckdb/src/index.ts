export { type DuckdbConfig, type DuckdbSettings, duckdbConfigSchema } from "./duckdb-config.ts";
export { createDuckdbSink, duckdbSinkFactory } from "./duckdb-sink.ts";
