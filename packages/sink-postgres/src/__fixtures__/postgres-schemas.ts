import { randomBytes } from "node:crypto";
import pg from "pg";

/** The test server: trust auth on loopback, database `test`. */
export const testServer = { host: "127.0.0.1", port: 5432, database: "test", user: "postgres" } as const;

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
