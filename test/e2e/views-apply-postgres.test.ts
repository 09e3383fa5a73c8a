import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, expect, test } from "vitest";
import { parley, workspace } from "../support/cli-harness.ts";
import { freshPostgresSchema, postgresUrl } from "../support/postgres-schema.ts";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

test("parley views apply replaces a PostgreSQL view whose columns changed, and the views that read it", async () => {
  const space = await workspace();
  cleanups.push(space.cleanup);
  const postgres = freshPostgresSchema("parley_views");
  cleanups.push(postgres.drop);
  const config = await space.writeConfig({
    sink: { type: "postgres", url: postgresUrl, schema: postgres.schema },
    sources: { counter: { type: "counter", pages: 1, pageSize: 4 } },
  });
  expect((await parley(["sync", "-c", config])).code).toBe(0);
  const views = join(space.directory, "sql", "counter");
  await mkdir(views, { recursive: true });
  const apply = async (base: string, dependent: string) => {
    await writeFile(join(views, "01_counter_base.sql"), base);
    await writeFile(join(views, "02_counter_top.sql"), dependent);
    return parley(["views", "apply", "-c", config, "--sql-dir", join(space.directory, "sql")]);
  };
  const first = await apply(
    "CREATE OR REPLACE VIEW counter_base AS SELECT id, n FROM counter_items",
    "CREATE OR REPLACE VIEW counter_top AS SELECT MAX(n) AS top FROM counter_base",
  );
  expect(first.code, first.stderr).toBe(0);
  // The new release drops a column and changes another's type: PostgreSQL's CREATE OR REPLACE alone refuses that.
  const second = await apply(
    "CREATE OR REPLACE VIEW counter_base AS SELECT CAST(n AS text) AS n_text FROM counter_items",
    "CREATE OR REPLACE VIEW counter_top AS SELECT COUNT(*) AS rows_seen FROM counter_base",
  );
  expect(second.code, second.stderr).toBe(0);
  expect(await postgres.sink.query(`SELECT * FROM "${postgres.schema}".counter_top`)).toEqual([{ rows_seen: 4 }]);
  expect(await postgres.sink.query(`SELECT n_text FROM "${postgres.schema}".counter_base ORDER BY n_text`)).toEqual([
    { n_text: "1" },
    { n_text: "2" },
    { n_text: "3" },
    { n_text: "4" },
  ]);
});
