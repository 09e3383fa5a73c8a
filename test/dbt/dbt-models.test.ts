import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import { toDbtRelations } from "../../scripts/dbt/dbt-model.ts";
import { dbtPackageFiles, summary } from "../../scripts/dbt/dbt-package-files.ts";
import { columnDescriptions, selectedColumns } from "../../scripts/dbt/view-columns.ts";
import { viewGrains } from "../../scripts/dbt/view-grains.ts";
import { dbtModelDrift } from "../../scripts/dbt-models.ts";
import { repositoryRoot } from "./dbt-project.ts";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function sqlCopy(): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), "parley-sql-"));
  cleanups.push(() => rm(directory, { recursive: true, force: true }));
  await cp(join(repositoryRoot, "sql"), directory, { recursive: true });
  return directory;
}

describe("one definition: dbt/models is generated from sql/", () => {
  test("dbt/models is what `pnpm dbt:models` generates from sql/ today", async () => {
    expect(await dbtModelDrift()).toEqual([]);
  });

  test("every model has its grain in scripts/dbt/view-grains.ts, so the package tests that no two rows share it", async () => {
    const models = [...(await dbtPackageFiles(join(repositoryRoot, "sql"))).keys()].flatMap(
      (path) => /^models\/[^/]+\/([^/]+)\.sql$/.exec(path)?.[1] ?? [],
    );
    expect(models.filter((model) => viewGrains[model] === undefined)).toEqual([]);
  });

  test("a change to a view in sql/ shows up as drift until the models are regenerated", async () => {
    const sql = await sqlCopy();
    const file = join(sql, "ultimate/02_ultimate_metrics.sql");
    await writeFile(file, (await readFile(file, "utf8")).replace("  automation_rate,\n", ""));
    expect(await dbtModelDrift(sql)).toEqual([
      "models/ultimate/_ultimate__models.yml differs from sql/",
      "models/ultimate/ultimate_metrics.sql differs from sql/",
    ]);
  });

  test("a new view file in sql/ shows up as a missing model", async () => {
    const sql = await sqlCopy();
    await writeFile(
      join(sql, "voicegain/09_voicegain_daily_calls.sql"),
      "-- voicegain_daily_calls\nCREATE OR REPLACE VIEW voicegain_daily_calls AS\nSELECT call_date, COUNT(*) AS calls FROM voicegain_call_facts GROUP BY call_date;\n",
    );
    expect(await dbtModelDrift(sql)).toEqual([
      "README.md's models table differs from sql/",
      "models/voicegain/_voicegain__models.yml differs from sql/",
      "models/voicegain/voicegain_daily_calls.sql differs from sql/",
    ]);
  });
});

describe("what the generator rewrites in a view's query", () => {
  const relations = { views: new Set(["ultimate_scoped_metrics"]), tablePrefixes: ["ultimate_", "voicegain_"] };

  test("Parley's tables become source(), views ref(); CTEs, functions, columns and strings stay", () => {
    const query = [
      "WITH ultimate_recent AS (SELECT * FROM ultimate_conversations AS c)",
      "SELECT EXTRACT(EPOCH FROM voicegain_start) AS seconds, 'FROM ultimate_conversations' AS text",
      "FROM ultimate_recent JOIN ultimate_scoped_metrics ON TRUE",
      "CROSS JOIN LATERAL jsonb_array_elements(ultimate_recent.labels) AS label",
      "JOIN voicegain_calls ON voicegain_calls.call_id = 1",
    ].join("\n");
    const { sql, sources } = toDbtRelations(query, relations);
    expect(sql).toBe(
      [
        "WITH ultimate_recent AS (SELECT * FROM {{ source('parley', 'ultimate_conversations') }} AS c)",
        "SELECT EXTRACT(EPOCH FROM voicegain_start) AS seconds, 'FROM ultimate_conversations' AS text",
        "FROM ultimate_recent JOIN {{ ref('ultimate_scoped_metrics') }} ON TRUE",
        "CROSS JOIN LATERAL jsonb_array_elements(ultimate_recent.labels) AS label",
        "JOIN {{ source('parley', 'voicegain_calls') }} ON voicegain_calls.call_id = 1",
      ].join("\n"),
    );
    expect([...sources]).toEqual(["ultimate_conversations", "voicegain_calls"]);
  });

  test("the reporting time zone placeholder becomes the package's var", () => {
    const query =
      "SELECT CAST(timezone('__PARLEY_REPORTING_TIME_ZONE__', t) AS DATE) AS day FROM ultimate_conversations";
    expect(toDbtRelations(query, relations).sql).toBe(
      "SELECT CAST(timezone({{ parley_reporting_time_zone() }}, t) AS DATE) AS day FROM {{ source('parley', 'ultimate_conversations') }}",
    );
  });

  test("output columns come from the outermost SELECT list, descriptions from the header", () => {
    const query = [
      "WITH x AS (SELECT a, b FROM t)",
      'SELECT x.a, "agentId" AS agent_id, COUNT(*) AS calls, CASE WHEN a THEN 1 END AS flag, b',
      "FROM x GROUP BY 1",
    ].join("\n");
    expect(selectedColumns(query, "q.sql")).toEqual(["a", "agent_id", "calls", "flag", "b"]);
    expect(() => selectedColumns("SELECT * FROM t", "q.sql")).toThrow(/give "\*" a name/);
    const header = [
      "-- Metrics:",
      "--   calls      = count of calls",
      "--                in the group.",
      "--   flag  set",
    ];
    expect(Object.fromEntries(columnDescriptions(header.join("\n"), ["calls", "flag"]))).toEqual({
      calls: "count of calls in the group.",
      flag: "set",
    });
  });
});

describe("the README's models table says what each model holds", () => {
  const meta = { meta: { parley_sql: ["sql/x/01_x.duckdb.sql", "sql/x/01_x.sql"] } };
  test("the first paragraph of the header, on one line", () => {
    const description = "x_metrics: calls per day\n  and queue,   counted once.\nGrain: one row per day.";
    expect(summary({ name: "x_metrics", description, config: meta })).toBe("calls per day and queue, counted once.");
  });
  test("a header that starts with its fields: its grain, not a pointer to a dialect file", () => {
    const description = "x_metrics\nGrain: one row per day\n  and issue.\nSources: x_calls.";
    expect(summary({ name: "x_metrics", description, config: meta })).toBe("one row per day and issue.");
    expect(summary({ name: "x_metrics", description: "x_metrics\nSources: x_calls.", config: meta })).toBe(
      "see the header of `sql/x/01_x.sql`",
    );
  });
});
