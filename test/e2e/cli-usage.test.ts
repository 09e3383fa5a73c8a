import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { resolveConfig } from "@parley/runner";
import { UltimateGenerator, writeUltimateDayFile } from "@parley/sandbox/ultimate";
import { afterEach, describe, expect, test } from "vitest";
import { parse } from "yaml";
import { parley, queryDuckdb, testRegistry, workspace } from "../support/cli-harness.ts";

let cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups) await cleanup();
  cleanups = [];
});

async function space() {
  const created = await workspace();
  cleanups.push(created.cleanup);
  return created;
}

describe("the command line", () => {
  test("--version prints the runner's version", async () => {
    const manifest = JSON.parse(await readFile(new URL("../../apps/runner/package.json", import.meta.url), "utf8"));
    const run = await parley(["--version"]);
    expect(run).toEqual({ code: 0, stdout: `${manifest.version}\n`, stderr: "" });
  });

  test("each command has its own help, listing its options and the global ones", async () => {
    const sync = await parley(["sync", "--help"]);
    expect(sync.code).toBe(0);
    expect(sync.stdout).toMatch(/^Usage: parley sync \[options\]/);
    expect(sync.stdout).toContain("--full-refresh");
    expect(sync.stdout).toContain("--log-format FORMAT");
    expect(sync.stdout).not.toContain("--write-config");
    const query = await parley(["query", "--help"]);
    expect(query.stdout).toMatch(/^Usage: parley query "SQL" \[options\]/);
    expect(query.stdout).toContain("--format FORMAT");
  });

  test("option values are validated before anything runs, naming the option", async () => {
    const logFormat = await parley(["sync", "--log-format", "xml", "-c", "does-not-matter.yaml"]);
    expect(logFormat.code).toBe(2);
    expect(logFormat.stderr).toContain('--log-format: expected text or json, got "xml"');
    const port = await parley(["sandbox", "--port", "eighty"]);
    expect(port.code).toBe(2);
    expect(port.stderr).toContain('--port: expected a whole number from 0 to 65533, got "eighty"');
    const format = await parley(["query", "SELECT 1", "--format", "xls"]);
    expect(format.code).toBe(2);
    expect(format.stderr).toContain('--format: expected table or csv or json or ndjson, got "xls"');
  });

  test("an option of another command is refused, pointing at the command's help", async () => {
    const run = await parley(["sync", "--port", "3"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("Unknown option '--port'");
    expect(run.stderr).toContain("Run parley sync --help for its options.");
  });
});

describe("parley query --format", () => {
  const sql = "SELECT 1 AS id, 'two\nlines' AS note, repeat('x', 100) AS long, NULL AS nothing, 'a,\"b\"' AS quoted";

  async function configured() {
    const created = await space();
    const config = await created.writeConfig({
      sink: { type: "duckdb", path: created.databasePath },
      sources: { counter: { type: "counter", pages: 1, pageSize: 1 } },
    });
    return config;
  }

  test("table keeps every row on one line, showing line breaks escaped", async () => {
    const run = await parley(["query", sql, "-c", await configured()]);
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain("two\\nlines");
    expect(lines[1]).toContain("NULL");
  });

  test("csv, json and ndjson carry every value whole", async () => {
    const config = await configured();
    const csv = await parley(["query", sql, "--format", "csv", "-c", config]);
    expect(csv.stdout).toBe(`id,note,long,nothing,quoted\r\n1,"two\nlines",${"x".repeat(100)},,"a,""b"""\r\n`);
    const json = await parley(["query", sql, "--format", "json", "-c", config]);
    expect(JSON.parse(json.stdout)).toEqual([
      { id: 1, note: "two\nlines", long: "x".repeat(100), nothing: null, quoted: 'a,"b"' },
    ]);
    const ndjson = await parley(["query", `${sql} UNION ALL ${sql}`, "--format", "ndjson", "-c", config]);
    const lines = ndjson.stdout.trimEnd().split("\n");
    expect(lines).toHaveLength(2);
    expect(JSON.parse(lines[0] as string)).toMatchObject({ note: "two\nlines", long: "x".repeat(100) });
  });
});

describe("parley state show", () => {
  test("--json prints state and loads as one JSON document; an unknown source exits 2 naming the config", async () => {
    const created = await space();
    const config = await created.writeConfig({
      sink: { type: "duckdb", path: created.databasePath },
      sources: { counter: { type: "counter", pages: 2, pageSize: 10 } },
    });
    expect((await parley(["sync", "-c", config])).code).toBe(0);
    const shown = await parley(["state", "show", "--json", "-c", config]);
    expect(shown.code).toBe(0);
    const document = JSON.parse(shown.stdout);
    expect(document.sources[0]).toMatchObject({
      source: "counter",
      state: [{ stream: "items", value: { lastPage: 2 } }],
      loads: [{ status: "succeeded", streams: [{ stream: "items", records: 20 }] }],
    });
    const unknown = await parley(["state", "show", "nosuch", "-c", config]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain(`SOURCE: no source named "nosuch" in ${config} (configured: counter)`);
  });

  test("state reset with an unknown --stream exits 2 naming it and the source's streams, and removes nothing", async () => {
    const created = await space();
    const config = await created.writeConfig({
      sink: { type: "duckdb", path: created.databasePath },
      sources: { counter: { type: "counter", pages: 2, pageSize: 10 } },
    });
    expect((await parley(["sync", "-c", config])).code).toBe(0);
    const typo = await parley(["state", "reset", "counter", "--stream", "itmes", "-c", config]);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('--stream: no stream "itmes" in source counter (streams: items)');
    expect(await queryDuckdb(created.databasePath, "SELECT stream FROM _parley_state")).toEqual([{ stream: "items" }]);
    const reset = await parley(["state", "reset", "counter", "--stream", "items", "-c", config]);
    expect(reset.code).toBe(0);
    expect(reset.stdout).toContain("removed 1 state row(s) of counter");
  });
});

describe("paths in the config", () => {
  test("a relative sink path is read against the config file's folder, and missing folders are created", async () => {
    const created = await space();
    await mkdir(join(created.directory, "conf"));
    const config = await created.writeConfig(
      {
        sink: { type: "duckdb", path: "../data/new/parley.duckdb" },
        sources: { counter: { type: "counter", pages: 1, pageSize: 5 } },
      },
      "conf/parley.yaml",
    );
    const run = await parley(["sync", "-c", config]);
    expect(run.code, run.stderr).toBe(0);
    expect(
      await queryDuckdb(join(created.directory, "data/new/parley.duckdb"), "SELECT COUNT(*) AS n FROM counter_items"),
    ).toEqual([{ n: 5 }]);
  });

  test("Ultimate export files written as relative paths or patterns are read against the config file's folder", async () => {
    const created = await space();
    await mkdir(join(created.directory, "conf/exports"), { recursive: true });
    const generator = new UltimateGenerator({ seed: 5, bots: 1, conversationsPerDay: 40 });
    const bot = generator.bots[0]?.id as string;
    const file = `conversation_${bot}_20240618_000000000000.json`;
    await writeUltimateDayFile(generator, bot, "2024-06-18", join(created.directory, "conf/exports", file));
    for (const files of [["exports/*.json"], `./exports/${file}`]) {
      const config = await created.writeConfig(
        { sink: { type: "duckdb", path: "parley.duckdb" }, sources: { ultimate: { type: "ultimate", files } } },
        "conf/parley.yaml",
      );
      const run = await parley(["sync", "-c", config, "--full-refresh"]);
      expect(run.code, `${run.stdout}${run.stderr}`).toBe(0);
      expect(
        await queryDuckdb(
          join(created.directory, "conf/parley.duckdb"),
          "SELECT COUNT(*) AS n FROM ultimate_conversations",
        ),
      ).toEqual([{ n: 40 }]);
    }
  });

  test("a DuckDB file that cannot be created names sink.path", async () => {
    const created = await space();
    await writeFile(join(created.directory, "a-file"), "not a folder");
    const config = await created.writeConfig({
      sink: { type: "duckdb", path: "a-file/parley.duckdb" },
      sources: { counter: { type: "counter", pages: 1, pageSize: 5 } },
    });
    const run = await parley(["sync", "-c", config]);
    expect(run.code).toBe(1);
    expect(`${run.stdout}${run.stderr}`).toContain(
      `sink.path: cannot open the DuckDB file ${join(created.directory, "a-file/parley.duckdb")}: EEXIST`,
    );
  });
});

describe("parley init", () => {
  test("writes a commented config that loads once its environment variables are set, and never overwrites", async () => {
    const created = await space();
    const path = join(created.directory, "parley.yaml");
    const run = await parley(["init", "--source", "voicegain", "-c", path]);
    expect(run.code, run.stderr).toBe(0);
    const text = await readFile(path, "utf8");
    expect(text).toContain('token: "${VOICEGAIN_JWT}" # required: set this environment variable');
    expect(text).toMatch(/# Voicegain JWT/);
    const config = resolveConfig(parse(text), testRegistry, { VOICEGAIN_JWT: "a-token" }, path);
    expect(config.sources.map((source) => [source.name, source.type])).toEqual([["voicegain", "voicegain"]]);
    expect(config.sink.type).toBe("duckdb");
    const again = await parley(["init", "--source", "voicegain", "-c", path]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain("exists; pass --force to overwrite it");
  });

  test.each(["duckdb", "postgres", "bigquery"])(
    "a config for every source into %s names each field still to fill in",
    async (sink) => {
      const created = await space();
      const path = join(created.directory, "parley.yaml");
      expect(
        (
          await parley([
            "init",
            "--source",
            "ultimate",
            "--source",
            "voicegain",
            "--source",
            "ccai",
            "--sink",
            sink,
            "-c",
            path,
          ])
        ).code,
      ).toBe(0);
      const text = await readFile(path, "utf8");
      const environment = Object.fromEntries(
        [...text.matchAll(/\$\{([A-Z_]+)\}/g)].map((match) => [
          match[1],
          match[1]?.endsWith("_URL") ? "postgres://loader@db.example:5432/warehouse" : "value",
        ]),
      );
      let issues: readonly { path: string }[] = [];
      try {
        resolveConfig(parse(text), testRegistry, environment, path);
      } catch (error) {
        issues = (error as { issues: { path: string }[] }).issues;
      }
      const todo = [...text.matchAll(/^ *(\w+): .*TODO/gm)].map((match) => match[1]);
      // Only the fields left as TODO can be wrong; every other needed field is there.
      expect(todo.length).toBeGreaterThan(0);
      expect(issues.length).toBeGreaterThan(0);
      for (const issue of issues)
        expect(todo).toContain(
          issue.path
            .split(".")
            .pop()
            ?.replace(/\[\d+\]$/, ""),
        );
    },
  );

  test("asks for the environment variables the example config and the READMEs use", async () => {
    const created = await space();
    const path = join(created.directory, "parley.yaml");
    const sources = ["ultimate", "voicegain", "ccai"].flatMap((type) => ["--source", type]);
    expect((await parley(["init", ...sources, "--sink", "postgres", "-c", path])).code).toBe(0);
    const asked = [...(await readFile(path, "utf8")).matchAll(/: "\$\{([A-Z_]+)\}"/g)].map((match) => match[1]);
    expect(asked).toEqual(["PARLEY_POSTGRES_URL", "ULTIMATE_API_KEY", "VOICEGAIN_JWT"]);
    const root = join(import.meta.dirname, "../..");
    const documents = await Promise.all(
      ["parley.example.yaml", "README.md", "packages/connector-voicegain/README.md"].map((file) =>
        readFile(join(root, file), "utf8"),
      ),
    );
    for (const name of asked) expect(documents[0]).toContain(`\${${name}}`);
    for (const document of documents.slice(1)) expect(document).not.toMatch(/VOICEGAIN_TOKEN|ULTIMATE_TOKEN/);
  });

  test("an unknown type is refused with the available ones", async () => {
    const created = await space();
    const run = await parley(["init", "--source", "zendesk", "-c", join(created.directory, "x.yaml")]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--source: unknown connector type "zendesk" \(available: .*voicegain/);
  });
});

test("a hint Parley prints is typed the way this parley was started (the workspace script needs npx -y pnpm@12)", async () => {
  const run = await parley(["sync", "--port", "3"], { npm_lifecycle_event: "parley" });
  expect(run.stderr).toContain("Run npx -y pnpm@12 parley sync --help for its options.");
});
