import { randomBytes } from "node:crypto";
import type { Sink, StreamDefinition } from "@parley/core";
import pg from "pg";
import { afterEach } from "vitest";
import { createPostgresSink } from "../postgres-sink.ts";

/**
 * The test run's server: PARLEY_TEST_POSTGRES_URL, which the repository's global test setup sets (starting a
 * PostgreSQL server of its own) when the caller has not.
 */
export const testServer = serverFromEnvironment();

function serverFromEnvironment(): { host: string; port: number; database: string; user: string; password: string } {
  const url = process.env.PARLEY_TEST_POSTGRES_URL;
  if (url === undefined || url === "") {
    throw new Error(
      "PARLEY_TEST_POSTGRES_URL is not set: run the tests from the repository root (pnpm test), whose global setup starts PostgreSQL",
    );
  }
  const parsed = new URL(url);
  return {
    host: parsed.hostname,
    port: Number(parsed.port || 5432),
    database: decodeURIComponent(parsed.pathname.slice(1)),
    user: decodeURIComponent(parsed.username),
    password: decodeURIComponent(parsed.password),
  };
}

/** A schema name no other test file uses, so files can run in parallel against one database. */
export function freshSchemaName(): string {
  return `parley_test_${randomBytes(6).toString("hex")}`;
}

export async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client(testServer);
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}

/** Sinks on fresh schemas, closed and dropped after each test. */
export function useFreshSinks(): (poolSize?: number) => { sink: Sink; schema: string } {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });
  return (poolSize = 4) => {
    const schema = freshSchemaName();
    const sink = createPostgresSink({ ...testServer, schema, poolSize });
    cleanups.push(async () => {
      await sink.close();
      await dropSchema(schema);
    });
    return { sink, schema };
  };
}

/** A merge stream with a text and a JSON column. */
export const textStream: StreamDefinition = {
  name: "texts",
  writeDisposition: "merge",
  primaryKey: ["id"],
  columns: [
    { name: "id", type: "string" },
    { name: "text", type: "string" },
    { name: "nested", type: "json" },
  ],
};
