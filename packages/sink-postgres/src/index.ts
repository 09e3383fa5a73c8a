export { type PostgresConfig, type PostgresSettings, postgresConfigSchema } from "./postgres-config.ts";
export { createPostgresSink, postgresSinkFactory } from "./postgres-sink.ts";
