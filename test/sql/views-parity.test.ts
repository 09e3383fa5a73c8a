import { readdir, readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { Sink, SinkFactory } from "@parley/core";
import { installedPlugins } from "@parley/runner";
import { createDuckdbSink } from "@parley/sink-duckdb";
import { createPostgresSink } from "@parley/sink-postgres";
import { Parser } from "node-sql-parser";
import { afterEach, describe, expect, test } from "vitest";
import { viewGrains } from "../../scripts/dbt/view-grains.ts";
import { parley, workspace } from "../support/cli-harness.ts";
import { type ConnectorType, connectorScenarios } from "../support/connector-scenarios.ts";
import { offlineSources } from "../support/offline-sources.ts";
import { freshPostgresSchema, postgresUrl } from "../support/postgres-schema.ts";
import { alignTo, runCliWith, sortByGrain, viewFilesOnDisk } from "../support/view-parity.ts";

const sqlDirectory = resolve(import.meta.dirname, "../../sql");

interface View {
  readonly name: string;
  readonly grain: readonly string[];
}

/** Each view's grain (sql/README.md) from the one grain map, which the dbt package's uniqueness tests use too. */
const withGrains = (names: readonly string[]): readonly View[] =>
  names.map((name) => {
    const grain = viewGrains[name];
    if (grain === undefined) throw new Error(`${name} has no grain in scripts/dbt/view-grains.ts`);
    return { name, grain };
  });

/** Every view `parley views apply` creates, per connector type, in apply order. */
const views: Record<ConnectorType, readonly View[]> = {
  ccai: withGrains(["ccai_conversation_metrics", "ccai_issue_metrics"]),
  ultimate: withGrains([
    "ultimate_conversation_facts",
    "ultimate_scoped_metrics",
    "ultimate_metrics",
    "ultimate_dashboard_metrics",
    "ultimate_conversation_intents",
    "ultimate_first_meaningful_intent_metrics",
    "ultimate_export_days",
    "ultimate_start_day_metrics",
  ]),
  voicegain: withGrains([
    "voicegain_call_facts",
    "voicegain_call_topics",
    "voicegain_call_metrics",
    "voicegain_topics",
  ]),
};
const connectorTypes = Object.keys(views) as ConnectorType[];

/** Session time zones a BI tool or a CLI could open the warehouse in; none may change a view's rows. */
const sessionZones = ["Asia/Tokyo", "America/Los_Angeles"] as const;

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

test("the parity and parse tests below cover every view in sql/", async () => {
  for (const type of connectorTypes)
    expect([...(await viewFilesOnDisk(sqlDirectory, type)).keys()], type).toEqual(views[type].map((view) => view.name));
});

/** Every column holds a value in some row, and every `_rate` is a fraction: guards against agreeing on nothing. */
function expectMeaningful(view: string, rows: readonly Record<string, unknown>[]): void {
  expect(rows.length, `${view} has rows`).toBeGreaterThan(0);
  for (const column of Object.keys(rows[0] ?? {})) {
    const values = rows.map((row) => row[column]).filter((value) => value !== null);
    expect(values.length, `${view}.${column} is NULL in every row`).toBeGreaterThan(0);
    if (column.endsWith("_rate"))
      for (const value of values) {
        expect(typeof value, `${view}.${column}`).toBe("number");
        expect(value as number, `${view}.${column}`).toBeGreaterThanOrEqual(0);
        expect(value as number, `${view}.${column}`).toBeLessThanOrEqual(1);
      }
  }
}

const withoutLineage = (rows: readonly Record<string, unknown>[]) =>
  rows.map((row) => Object.fromEntries(Object.entries(row).filter(([column]) => !column.startsWith("_parley_"))));

describe.each(connectorTypes)("%s views on DuckDB and PostgreSQL", (type) => {
  test("the same emulator data in both sinks gives identical rows in every view, applied by `parley views apply`", async () => {
    const scenario = await connectorScenarios[type]();
    cleanups.push(() => scenario.close());
    const space = await workspace();
    cleanups.push(space.cleanup);
    const postgres = freshPostgresSchema(`parity_${type}`);
    cleanups.push(postgres.drop);

    // Load: the runner's engine, the connector, its emulator; once per sink.
    const duckdbLoad = createDuckdbSink({ path: space.databasePath });
    await scenario.load(duckdbLoad);
    await duckdbLoad.close();
    await scenario.load(postgres.sink);

    // Apply: the CLI, once per sink. It runs the dialect's files; a second run replaces what the first created.
    const sinks = {
      duckdb: { type: "duckdb", path: space.databasePath },
      postgres: { type: "postgres", url: postgresUrl, schema: postgres.schema },
    };
    for (const [name, sink] of Object.entries(sinks)) {
      const config = await space.writeConfig({ sink, sources: scenario.sources }, `${name}.yaml`);
      for (const run of [1, 2]) {
        const applied = await parley(["views", "apply", "-c", config]);
        expect(applied.code, `${name}, run ${run}: ${applied.stderr}`).toBe(0);
        expect(applied.stdout).toContain(`${views[type].length} view file(s) applied to ${name}`);
      }
    }

    const duckdb = createDuckdbSink({ path: space.databasePath });
    cleanups.push(() => duckdb.close());
    const { table } = scenario;
    const [duckdbTable, postgresTable] = await Promise.all(
      [duckdb, postgres.sink].map(async (sink) =>
        sortByGrain(withoutLineage(await sink.query(`SELECT * FROM ${table.name}`)), table.key),
      ),
    );
    expect(duckdbTable?.length, `${table.name} rows`).toBeGreaterThan(0);
    expect(alignTo(postgresTable ?? [], duckdbTable ?? []), `${table.name}: the same data in both`).toEqual(
      duckdbTable,
    );

    // One connection each, so a session's SET TimeZone holds for the query that follows it.
    const postgresSession = createPostgresSink({ url: postgresUrl, schema: postgres.schema, poolSize: 1 });
    cleanups.push(() => postgresSession.close());
    for (const view of views[type]) {
      const query = async (sink: Sink) => sortByGrain(await sink.query(`SELECT * FROM ${view.name}`), view.grain);
      const expected = await query(duckdb);
      const actual = await query(postgres.sink);
      expectMeaningful(`${view.name} (DuckDB)`, expected);
      expectMeaningful(`${view.name} (PostgreSQL)`, actual);
      expect(Object.keys(actual[0] ?? {}), `${view.name} columns`).toEqual(Object.keys(expected[0] ?? {}));
      expect(alignTo(actual, expected), `${view.name}: PostgreSQL rows = DuckDB rows`).toEqual(expected);

      for (const zone of sessionZones) {
        await duckdb.execute(`SET TimeZone = '${zone}'`);
        const inDuckdb = await query(duckdb);
        await duckdb.execute("SET TimeZone = 'UTC'");
        const inPostgres = sortByGrain(
          await postgresSession.query(`SET TimeZone = '${zone}'; SELECT * FROM ${view.name}`),
          view.grain,
        );
        expect(alignTo(inDuckdb, expected), `${view.name}: DuckDB session in ${zone} = UTC session`).toEqual(expected);
        expect(alignTo(inPostgres, expected), `${view.name}: PostgreSQL session in ${zone} = UTC session`).toEqual(
          expected,
        );
      }
    }
  });
});

const installed = await installedPlugins();

/** A sink registered as `bigquery` (with the real sink's config schema) that keeps the statements it is asked to run. */
function recordingBigquerySink(statements: string[]): SinkFactory {
  const unused = () => Promise.reject(new Error("views apply needs only execute"));
  const sink: Sink = {
    apiVersion: 1,
    type: "bigquery",
    dialect: "bigquery",
    prepare: unused,
    readState: unused,
    resetState: unused,
    startLoad: unused,
    writeBatch: unused,
    completeStream: unused,
    finishLoad: unused,
    listLoads: unused,
    lock: unused,
    // `views apply` first checks that each connector's tables exist: here they all do.
    async query() {
      return [];
    },
    async execute(sql) {
      statements.push(sql);
    },
    async close() {},
    async [Symbol.asyncDispose]() {},
  };
  const real = installed.sinks.bigquery;
  if (real === undefined) throw new Error("the runner's registry has no bigquery sink");
  return { ...real, create: () => sink };
}

const bigquery = new Parser();
const parseOptions = { database: "BigQuery" };
/** The tables each connector writes (the sink's dataset resolves them unqualified). */
const sourceTables: Record<ConnectorType, string> = {
  ccai: "ccai_conversations",
  ultimate: "ultimate_conversations",
  voicegain: "voicegain_calls",
};

/** Parses one statement as GoogleSQL: it must be exactly one CREATE OR REPLACE VIEW of `view`. Returns the tables it reads. */
function parseView(sql: string, view: string): string[] {
  let parsed: ReturnType<Parser["astify"]>;
  try {
    parsed = bigquery.astify(sql, parseOptions);
  } catch (error) {
    throw new Error(`${view} does not parse as GoogleSQL: ${(error as Error).message}`, { cause: error });
  }
  const statements = Array.isArray(parsed) ? parsed : [parsed];
  expect(statements, view).toHaveLength(1);
  const statement = statements[0] as unknown as {
    type: string;
    keyword: string;
    replace: string | null;
    view: { view: string };
    select: { with?: { name: { value: string } }[] | null };
  };
  expect([statement.type, statement.keyword, statement.replace, statement.view.view], view).toEqual([
    "create",
    "view",
    "or replace",
    view,
  ]);
  const named = new Set((statement.select.with ?? []).map((entry) => entry.name.value));
  return bigquery
    .tableList(sql, parseOptions)
    .map((entry) => entry.split("::")[2] as string)
    .filter((table) => !named.has(table));
}

/**
 * The BigQuery check of each view. Every file `parley views apply` sends to BigQuery is parsed as GoogleSQL
 * ("parse"); none needs the fallback the emulator in packages/sandbox/src/bigquery would offer (it refuses
 * UNNEST and arrays, which the list-reading variants use, so it could not check them anyway).
 */
describe("BigQuery: what `parley views apply` sends to a BigQuery sink parses as GoogleSQL", () => {
  test("each connector's files: the .bigquery.sql variant where there is one, else the portable file with backticks", async () => {
    const space = await workspace();
    cleanups.push(space.cleanup);
    const config = await space.writeConfig({
      sink: { type: "bigquery", projectId: "parley-parse-test", dataset: "parley" },
      sources: offlineSources,
    });
    const statements: string[] = [];
    const registry = { sources: {}, sinks: { bigquery: recordingBigquerySink(statements) } };
    const { code, stdout, stderr } = await runCliWith(registry, ["views", "apply", "-c", config]);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    // The cross-vendor conversations/ files come last; conversations-views.test.ts parses them.
    const files = [...stdout.matchAll(/^applied (\S+)$/gm)]
      .map((match) => match[1] as string)
      .filter((file) => !file.startsWith("conversations/"));
    const expectedFiles = connectorTypes.flatMap((type) =>
      views[type].map((view, index) => ({ type, view: view.name, index })),
    );
    expect(files).toHaveLength(expectedFiles.length);
    // After the connectors' files, exactly one statement per cross-vendor line `views apply` reports (vendor parts,
    // the union over them, the views over the union).
    const crossVendorFiles = [...stdout.matchAll(/^applied (conversations\/\S+)$/gm)];
    const crossVendor = statements.slice(expectedFiles.length);
    expect(crossVendorFiles.length).toBeGreaterThan(0);
    expect(crossVendor).toHaveLength(crossVendorFiles.length);
    expect(crossVendor.filter((statement) => !/\bconversations?_?/.test(statement))).toEqual([]);

    const checked: string[] = [];
    for (const [position, file] of files.entries()) {
      const { type, view, index } = expectedFiles[position] as (typeof expectedFiles)[number];
      const sql = statements[position] as string;
      // The runner picked this connector's view, and BigQuery's variant wherever one exists.
      const [folder, name] = file.split("/") as [string, string];
      expect([folder, name.replace(/^\d+_/, "").split(".")[0]]).toEqual([type, view]);
      const variants = (await viewFilesOnDisk(sqlDirectory, type)).get(view) ?? [];
      expect(name.endsWith(variants.includes("bigquery") ? ".bigquery.sql" : `${view}.sql`), file).toBe(true);
      // Portable files reach BigQuery with backticks, never standard double-quoted identifiers.
      expect(sql.replace(/'(?:[^']|'')*'|--[^\n]*/g, ""), file).not.toContain('"');

      const tables = parseView(sql, view);
      // Parley's state table too: the Ultimate start-day view reads the lookback the connector stores there.
      const readable = [
        sourceTables[type],
        "_parley_state",
        ...views[type].slice(0, index).map((earlier) => earlier.name),
      ];
      expect(tables.length, `${file} reads a table`).toBeGreaterThan(0);
      for (const table of tables) expect(readable, `${file} reads ${table}`).toContain(table);
      checked.push(file);
    }
    expect(checked).toEqual(files);
  });
});

/**
 * sql/ccai/export/ is not applied by `parley views apply` (it needs CCAI's native export table); it is applied by
 * hand on BigQuery. Check per file: parsed as written, except that node-sql-parser's BigQuery grammar has no JSON
 * in CAST (a documented GoogleSQL type), so `CAST(NULL AS JSON)` is parsed as `CAST(NULL AS STRING)`: the test
 * first shows the parser stops exactly there and nowhere earlier, so the substitution hides nothing else.
 */
describe("BigQuery: the CCAI native-export views parse as GoogleSQL", () => {
  const exportDirectory = join(sqlDirectory, "ccai/export");
  const jsonNull = /CAST\(NULL AS JSON\)/g;
  const withJsonCasts = [
    ["01_ccai_export_conversations.bigquery.sql", 1],
    ["01_ccai_export_conversations_v3.bigquery.sql", 2],
  ] as const;
  const asWritten = ["02_ccai_conversations.sql"] as const;

  test("these are all the files of sql/ccai/export/ that BigQuery gets", async () => {
    const files = (await readdir(exportDirectory)).filter(
      (name) => name.endsWith(".sql") && !name.includes(".duckdb."),
    );
    expect(files.sort()).toEqual([...withJsonCasts.map(([file]) => file), ...asWritten].sort());
  });

  test.each(withJsonCasts)("%s (with %i CAST(NULL AS JSON))", async (file, count) => {
    const sql = await readFile(join(exportDirectory, file), "utf8");
    const casts = [...sql.matchAll(jsonNull)].map((match) => match.index);
    expect(casts).toHaveLength(count);
    let failedAt: number | undefined;
    try {
      bigquery.astify(sql, parseOptions);
    } catch (error) {
      failedAt = (error as { location?: { start: { offset: number } } }).location?.start.offset;
    }
    // Where the parser gives up: the type name inside the first CAST(NULL AS JSON).
    expect(failedAt, `${file}: the parser stops at the first CAST(NULL AS JSON), nowhere earlier`).toBe(
      (casts[0] as number) + "CAST(NULL AS ".length,
    );
    expect(parseView(sql.replace(jsonNull, "CAST(NULL AS STRING)"), "ccai_export_conversations")).toEqual([
      "ccai_export",
    ]);
  });

  test.each(asWritten)("%s (as written)", async (file) => {
    const sql = await readFile(join(exportDirectory, file), "utf8");
    expect(parseView(sql, "ccai_conversations")).toEqual(["ccai_export_conversations"]);
  });
});
