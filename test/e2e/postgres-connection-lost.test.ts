import { randomBytes } from "node:crypto";
import { type Source, type SourceMessage, silentLogger } from "@parley/core";
import { runSync } from "@parley/runner";
import pg from "pg";
import { afterEach, expect, test } from "vitest";
import { z } from "zod";
import { freshPostgresSchema, postgresUrl } from "../support/postgres-schema.ts";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** Ten pages of 20,000 rows; its column name is unique to this test, so the test finds its own COPY on the server. */
function pagesSource(column: string): Source {
  const stateSchema = z.object({ page: z.int() });
  return {
    apiVersion: 1,
    type: "pages",
    streams: [
      {
        name: "rows",
        writeDisposition: "merge",
        primaryKey: ["id"],
        columns: [
          { name: "id", type: "integer", nullable: false },
          { name: column, type: "string" },
        ],
      },
    ],
    stateVersion: 1,
    stateSchema,
    async check() {},
    async *read(context): AsyncIterable<SourceMessage> {
      const stored = context.state.get("rows");
      for (let page = stored === undefined ? 1 : stateSchema.parse(stored).page + 1; page <= 10; page++) {
        for (let index = 0; index < 20_000; index++)
          yield { kind: "record", stream: "rows", record: { id: page * 100_000 + index, [column]: "x".repeat(40) } };
        yield { kind: "checkpoint", stream: "rows", state: { page } };
      }
    },
    async close() {},
  };
}

/** Terminates the first backend seen running a COPY that names `column`, as a failover or an operator would. */
async function terminateCopy(column: string, stop: { done: boolean }): Promise<number> {
  const client = new pg.Client({ connectionString: postgresUrl });
  await client.connect();
  try {
    while (!stop.done) {
      const result = await client.query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'COPY%' AND query LIKE $1 AND pid <> pg_backend_pid()",
        [`%${column}%`],
      );
      if ((result.rowCount ?? 0) > 0) return result.rowCount ?? 0;
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    return 0;
  } finally {
    await client.end();
  }
}

test("a PostgreSQL connection terminated during COPY fails the run cleanly (recorded failed, named PostgreSQL), and a re-run completes", async () => {
  const postgres = freshPostgresSchema("copy_lost");
  cleanups.push(postgres.drop);
  const column = `probe_${randomBytes(4).toString("hex")}`;
  const sync = () =>
    runSync({
      sourceName: "pages",
      source: pagesSource(column),
      sink: postgres.sink,
      tablePrefix: "pages",
      batchRows: 20_000,
      flushIntervalMs: 0,
      logger: silentLogger,
    });
  const stop = { done: false };
  const killer = terminateCopy(column, stop);
  const failed = await sync();
  stop.done = true;
  expect(await killer).toBe(1);
  expect(failed.status).toBe("failed");
  expect(String((failed.error as Error).message)).toMatch(/PostgreSQL/);
  const [load] = await postgres.sink.listLoads("pages");
  expect(load).toMatchObject({ loadId: failed.loadId, status: "failed" });
  expect(load?.error).toMatch(/PostgreSQL/);

  const resumed = await sync();
  expect(resumed.status).toBe("succeeded");
  expect(await postgres.sink.query("SELECT COUNT(*) AS n, COUNT(DISTINCT id) AS ids FROM pages_rows")).toEqual([
    { n: 200_000, ids: 200_000 },
  ]);
});
