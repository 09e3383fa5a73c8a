export { type PostgresConfig, type PostgresSettings, postgresConfigSchema } from "./postgres-config.ts";
export { createPostgresSink } from "./postgres-sink.ts";
