import { randomUUID } from "node:crypto";
import type { Sink } from "@parley/core";
import { createPostgresSink } from "@parley/sink-postgres";

import { testPostgresUrl } from "./postgres-url.ts";

/** The test run's server (see postgres-url.ts). */
export const postgresUrl = testPostgresUrl();

/** A PostgreSQL sink on a schema of its own; `drop` removes the schema with everything in it and closes the sink. */
export function freshPostgresSchema(prefix: string): { schema: string; sink: Sink; drop: () => Promise<void> } {
  const schema = `${prefix}_${randomUUID().replaceAll("-", "").slice(0, 12)}`;
  const sink = createPostgresSink({ url: postgresUrl, schema });
  return {
    schema,
    sink,
    async drop() {
      try {
        await sink.execute(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      } finally {
        await sink.close();
      }
    },
  };
}
