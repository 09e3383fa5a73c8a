import { afterEach, expect, test } from "vitest";
import { parley, workspace } from "../support/cli-harness.ts";
import { freshPostgresSchema, postgresUrl } from "../support/postgres-schema.ts";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

test("two overlapping `sync --full-refresh` runs on one PostgreSQL schema never leave the table emptied or partial while state claims everything", async () => {
  const space = await workspace();
  cleanups.push(space.cleanup);
  const postgres = freshPostgresSchema("overlap");
  cleanups.push(postgres.drop);
  const pages = 8;
  const pageSize = 50;
  const config = await space.writeConfig({
    sink: { type: "postgres", url: postgresUrl, schema: postgres.schema },
    sources: { counter: { type: "counter", pages, pageSize, delayMs: 30 } },
    sync: { batchRows: 100, flushIntervalSeconds: 0 },
  });
  expect((await parley(["sync", "-c", config])).code).toBe(0);
  const runs = await Promise.all([
    parley(["sync", "-c", config, "--full-refresh"]),
    parley(["sync", "-c", config, "--full-refresh"]),
  ]);
  // Either both finished (one after the other), or the second was refused the sink's lock (exit 4), or the later
  // swap saw the table changed under it and refused.
  for (const run of runs.filter((candidate) => candidate.code !== 0))
    expect(run.stdout + run.stderr).toMatch(
      /counter_items changed while load .* was staging its replacement|Another run is loading counter/,
    );
  expect(runs.some((run) => run.code === 0)).toBe(true);
  const [rows] = await postgres.sink.query(
    "SELECT COUNT(*) AS n, COUNT(DISTINCT id) AS ids, MAX(n) AS top FROM counter_items",
  );
  expect(rows).toEqual({ n: pages * pageSize, ids: pages * pageSize, top: pages * pageSize });
  expect(await postgres.sink.query("SELECT state FROM _parley_state")).toEqual([{ state: { lastPage: pages } }]);
  expect(
    await postgres.sink.query("SELECT tablename FROM pg_tables WHERE tablename LIKE '\\_parley\\_replace%'"),
  ).toEqual([]);
});
