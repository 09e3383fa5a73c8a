import { randomUUID } from "node:crypto";
import { appendFile, readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Sink } from "@parley/core";
import { createDuckdbSink } from "@parley/sink-duckdb";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { parse as parseYaml } from "yaml";
import { dbtPackageFiles } from "../../scripts/dbt/dbt-package-files.ts";
import { viewGrains } from "../../scripts/dbt/view-grains.ts";
import type { PythonVenv } from "../../scripts/python-venv.ts";
import { parley, workspace } from "../support/cli-harness.ts";
import { type ConnectorScenario, connectorScenarios } from "../support/connector-scenarios.ts";
import { freshPostgresSchema, postgresUrl } from "../support/postgres-schema.ts";
import { alignTo, sortByGrain } from "../support/view-parity.ts";
import { createDbtProject, type DbtTarget, dbtVenv, postgresTarget, repositoryRoot } from "./dbt-project.ts";

/**
 * The package on real dbt, on the emulator data of all three connectors: `dbt deps && dbt build` (every model
 * and test), `dbt source freshness` on the file `parley dbt sources` wrote, and every model's rows equal the
 * rows of the view `parley views apply` created from the same sql/ file, on DuckDB and on PostgreSQL.
 */
const cleanups: (() => Promise<void>)[] = [];
let venv: PythonVenv;
let scenarios: ConnectorScenario[];

beforeAll(async () => {
  venv = await dbtVenv();
  scenarios = await Promise.all(Object.values(connectorScenarios).map((scenario) => scenario()));
  cleanups.push(async () => {
    for (const scenario of scenarios) await scenario.close();
  });
}, 600_000);

afterAll(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface GeneratedSources {
  sources: { tables: { name: string; columns: { name: string; data_type: string }[] }[] }[];
}

/** The columns each model's YAML in dbt/models documents, by model name. */
async function modelColumns(folders: readonly string[]): Promise<Map<string, string[]>> {
  const columns = new Map<string, string[]>();
  for (const folder of new Set(folders)) {
    const path = join(repositoryRoot, "dbt/models", folder, `_${folder}__models.yml`);
    const { models } = parseYaml(await readFile(path, "utf8")) as {
      models: { name: string; columns: { name: string }[] }[];
    };
    for (const model of models)
      columns.set(
        model.name,
        model.columns.map((column) => column.name),
      );
  }
  return columns;
}

type Row = Record<string, unknown>;
const rowKey = (row: Row) => JSON.stringify(row, (_key, value) => (typeof value === "bigint" ? `${value}n` : value));
const sorted = (rows: readonly Row[]) => [...rows].sort((left, right) => rowKey(left).localeCompare(rowKey(right)));

interface Warehouse {
  readonly name: string;
  /** The reporting time zone given to `parley views apply` and, as the package's var, to dbt. */
  readonly reportingTimeZone?: string;
  /** Loads every scenario; returns the sink config and the dbt target, and a sink to query afterwards. */
  setup(): Promise<{
    sink: Record<string, unknown>;
    target: Extract<DbtTarget, { schema: string }>;
    sourceSchema: string;
    open: () => Sink;
  }>;
}

const warehouses: Warehouse[] = [
  {
    name: "duckdb",
    async setup() {
      const space = await workspace();
      cleanups.push(space.cleanup);
      const loader = createDuckdbSink({ path: space.databasePath });
      for (const scenario of scenarios) await scenario.load(loader);
      await loader.close();
      return {
        sink: { type: "duckdb", path: space.databasePath },
        target: { type: "duckdb", path: space.databasePath, schema: "dbt_models" },
        sourceSchema: "main",
        open: () => createDuckdbSink({ path: space.databasePath }),
      };
    },
  },
  {
    name: "postgres",
    reportingTimeZone: "America/Chicago",
    async setup() {
      const postgres = freshPostgresSchema("dbt_sources");
      cleanups.push(postgres.drop);
      for (const scenario of scenarios) await scenario.load(postgres.sink);
      const models = `dbt_models_${randomUUID().replaceAll("-", "").slice(0, 12)}`;
      cleanups.push(() => postgres.sink.execute(`DROP SCHEMA IF EXISTS "${models}" CASCADE`));
      return {
        sink: { type: "postgres", url: postgresUrl, schema: postgres.schema },
        target: postgresTarget(postgresUrl, models),
        sourceSchema: postgres.schema,
        open: () => postgres.sink,
      };
    },
  },
];

describe.each(warehouses)("the dbt package on $name", (warehouse) => {
  test("dbt deps && dbt build pass, dbt source freshness passes, every model's rows equal its view's rows", async () => {
    const { sink, target, sourceSchema, open } = await warehouse.setup();
    const space = await workspace();
    cleanups.push(space.cleanup);
    const sources = Object.assign({}, ...scenarios.map((scenario) => scenario.sources));
    const config = await space.writeConfig({ sink, sources });
    const zone = warehouse.reportingTimeZone;
    const applied = await parley(["views", "apply", "-c", config, ...(zone ? ["--reporting-time-zone", zone] : [])]);
    expect(applied.code, applied.stderr).toBe(0);

    const project = await createDbtProject(venv, target, {
      parley_schema: sourceSchema,
      ...(zone ? { parley_reporting_time_zone: zone } : {}),
    });
    cleanups.push(project.cleanup);
    const written = await parley(["dbt", "sources", "-c", config, "--output", project.sourcesFile]);
    expect(written.code, written.stderr).toBe(0);

    await project.dbt(["deps"]);
    const build = await project.dbt(["build"]);
    const summary = /Done\. PASS=(\d+) WARN=(\d+) ERROR=(\d+) SKIP=(\d+)/.exec(build);
    expect(summary, build).not.toBeNull();
    const [, pass, warn, error, skip] = (summary as RegExpExecArray).map(Number);
    expect({ warn, error, skip }, build).toEqual({ warn: 0, error: 0, skip: 0 });
    expect(build, "no deprecation warnings").not.toMatch(/Deprecated functionality/);
    process.stdout.write(`dbt build on ${warehouse.name}: ${(summary as RegExpExecArray)[0]}\n`);
    if (process.env.PARLEY_DBT_LOG !== undefined) await appendFile(process.env.PARLEY_DBT_LOG, build);

    // Default thresholds: Voicegain was loaded just now (fresh); the Ultimate and CCAI scenarios ran on clocks
    // pinned to June 2024, so their _parley_loaded_at says 2024 and they are stale.
    const stale = await project.dbt(["source", "freshness"]).then(
      () => "passed",
      (failure: Error) => failure.message,
    );
    expect(stale).toMatch(/PASS freshness of calls\.voicegain_calls/);
    for (const source of ["insights.ccai_conversations", "support_v3.ultimate_conversations"])
      expect(stale).toMatch(new RegExp(`ERROR STALE freshness of ${source.replace(".", "\\.")}`));
    // Thresholds from the command line (about 20 years) take those loads as fresh: freshness passes.
    const widened = await parley([
      ...["dbt", "sources", "-c", config, "--output", project.sourcesFile],
      ...["--warn-after-hours", "175000", "--error-after-hours", "180000"],
    ]);
    expect(widened.stdout).toContain("wrote");
    const freshness = await project.dbt(["source", "freshness"]);
    expect(freshness).toMatch(/Finished running 4 sources/);
    expect(freshness).not.toMatch(/WARN|ERROR/);

    // Every model of the package: one per view file, plus the conversations union.
    const views = [...(await dbtPackageFiles(join(repositoryRoot, "sql"))).keys()].flatMap((path) => {
      const match = /^models\/([^/]+)\/([^/]+)\.sql$/.exec(path);
      return match === null ? [] : [{ folder: match[1] as string, name: match[2] as string }];
    });
    expect(views.length).toBeGreaterThan(11);
    expect(pass, "models + tests").toBeGreaterThan(views.length);
    const documentedColumns = await modelColumns(views.map((view) => view.folder));
    const database = open();
    try {
      for (const view of views) {
        const grain = viewGrains[view.name];
        const rowsOf = async (schema: string) => {
          const rows = await database.query(`SELECT * FROM "${schema}"."${view.name}"`);
          return grain === undefined ? sorted(rows) : sortByGrain(rows, grain);
        };
        const fromView = await rowsOf(sourceSchema);
        const fromModel = await rowsOf(target.schema);
        expect(fromView.length, `${view.name} has rows`).toBeGreaterThan(0);
        // Floats to 1e-9 (relative): DuckDB sums in parallel, so the last digit of an average can differ per query.
        expect(alignTo(fromModel, fromView), `${view.name}: model rows = view rows`).toEqual(fromView);
        expect(Object.keys(fromModel[0] ?? {}), `${view.name}: the columns its YAML documents`).toEqual(
          documentedColumns.get(view.name),
        );
      }
      // The sources file's data_type of every column is the type the sink created.
      const generated = parseYaml(await readFile(project.sourcesFile, "utf8")) as GeneratedSources;
      for (const table of generated.sources.flatMap((source) => source.tables)) {
        const stored = await database.query(
          `SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = '${sourceSchema}' AND table_name = '${table.name}'`,
        );
        const types = (rows: readonly { name: string; type: string }[]) =>
          Object.fromEntries(rows.map((row) => [row.name, row.type.toLowerCase()]));
        expect(
          types(table.columns.map((column) => ({ name: column.name, type: column.data_type }))),
          `${table.name} column types`,
        ).toEqual(types(stored.map((row) => ({ name: String(row.column_name), type: String(row.data_type) }))));
      }
    } finally {
      if (warehouse.name === "duckdb") await database.close();
    }

    // A vendor switched off (as a project without its tables would): its models are disabled, the union leaves it out.
    if (warehouse.name !== "duckdb") return;
    const withoutCcai = await project.dbt(["build", "--vars", "{parley_using_ccai: false}"]);
    expect(withoutCcai, withoutCcai).toMatch(/Done\. PASS=\d+ WARN=0 ERROR=0 SKIP=0/);
    expect(withoutCcai).not.toMatch(/model \S+\.(ccai_|conversations_ccai)/);
    const reopened = open();
    try {
      const types = await reopened.query(
        `SELECT DISTINCT source_type FROM "${target.schema}".conversations ORDER BY 1`,
      );
      expect(types.map((row) => row.source_type)).toEqual(["ultimate", "voicegain"]);
    } finally {
      await reopened.close();
    }
  });
});
