export { type BigqueryConfig, type BigquerySettings, bigqueryConfigSchema } from "./bigquery-config.ts";
export { bigquerySinkFactory, createBigquerySink } from "./bigquery-sink.ts";
