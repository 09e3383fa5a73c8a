export { type DuckdbConfig, type DuckdbSettings, duckdbConfigSchema } from "./duckdb-config.ts";
export { createDuckdbSink } from "./duckdb-sink.ts";
