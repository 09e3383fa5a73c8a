export { type BigqueryConfig, type BigquerySettings, bigqueryConfigSchema } from "./bigquery-config.ts";
export { createBigquerySink } from "./bigquery-sink.ts";
