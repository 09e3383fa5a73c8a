import { spawnSync } from "node:child_process";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, expect, test } from "vitest";
import { workspace } from "../support/cli-harness.ts";

// Each plugin (and its clients: DuckDB's bindings, pg, the BigQuery library) costs process start, so `parley`
// imports only those its config or command names, and keeps compiled code between runs. Observed in real processes.
const cli = fileURLToPath(new URL("../../apps/runner/src/cli.ts", import.meta.url));
const recorder = fileURLToPath(new URL("../support/record-packages.ts", import.meta.url));

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function packagesLoadedBy(argv: readonly string[]) {
  const space = await workspace();
  cleanups.push(space.cleanup);
  const file = join(space.directory, "packages.txt");
  const run = spawnSync(process.execPath, ["--conditions=@parley/source", "--import", recorder, cli, ...argv], {
    encoding: "utf8",
    env: { ...process.env, PARLEY_TEST_PACKAGES_FILE: file },
  });
  const packages = (await readFile(file, "utf8")).split("\n");
  return { status: run.status, stdout: run.stdout, stderr: run.stderr, packages };
}

const plugins = (packages: readonly string[]) => packages.filter((name) => /^@parley\/(connector|sink)-/.test(name));

test("parley --help loads nothing beyond the runner and core's errors: no plugin, zod, YAML or HTTP client", async () => {
  const run = await packagesLoadedBy(["--help"]);
  expect(run.status).toBe(0);
  expect(run.stdout).toContain("Usage: parley <command> [options]");
  expect(run.packages).toEqual(["@parley/core", "@parley/runner"]);
});

/** A config of one Ultimate export file (one conversation) into `sink`. */
async function ultimateConfig(sink: Record<string, unknown>) {
  const space = await workspace();
  cleanups.push(space.cleanup);
  const record = {
    bot_id: "0123456789abcdef01234567",
    conversation_id: "c1",
    conversation_end_time: "2024-06-19T10:00:00Z",
  };
  const name = "conversation_0123456789abcdef01234567_20240619_000000000000.json";
  await space.writeConfig(`${JSON.stringify(record)}\n`, name);
  return space.writeConfig({
    sink,
    sources: { bot: { type: "ultimate", files: join(space.directory, name) } },
  });
}

test("parley sync imports only the connector and the sink its config names, and no HTTP client for local files", async () => {
  const sync = await packagesLoadedBy(["sync", "-c", await ultimateConfig({ type: "duckdb", path: "parley.duckdb" })]);
  expect(sync.status, sync.stderr).toBe(0);
  expect(sync.stdout).toMatch(/bot\/conversations\s+ultimate_conversations\s+1\s+0/);
  expect(plugins(sync.packages)).toEqual(["@parley/connector-ultimate", "@parley/sink-duckdb"]);
  // Local export files: no request is sent, so the HTTP client's library is never loaded.
  expect(sync.packages).not.toContain("undici");
  expect(sync.packages).not.toContain("pg");
  expect(sync.packages).not.toContain("@google-cloud/bigquery");
});

test("a config naming another sink does not import DuckDB, and still names its bad field", async () => {
  const check = await packagesLoadedBy(["check", "-c", await ultimateConfig({ type: "postgres" })]);
  expect(check.status).toBe(2);
  expect(check.stderr).toContain("sink.url: required: give url, or host, database and user");
  expect(plugins(check.packages)).toEqual(["@parley/connector-ultimate", "@parley/sink-postgres"]);
  expect(check.packages).not.toContain("@duckdb/node-api");
});

test("a type that cannot end a package name is an unknown type of that field, not a failed import", async () => {
  const space = await workspace();
  cleanups.push(space.cleanup);
  const config = await space.writeConfig({ sink: { type: "../x" }, sources: { a: { type: "x/y" } } });
  const check = await packagesLoadedBy(["check", "-c", config]);
  expect(check.status, check.stderr).toBe(2);
  expect(check.stderr).toContain('sink.type: unknown sink type "../x"');
  expect(check.stderr).toContain('sources.a.type: unknown source type "x/y"');
});

test("parley keeps the code it compiled in the temp folder's compile cache, for the next start", async () => {
  const space = await workspace();
  cleanups.push(space.cleanup);
  const { NODE_COMPILE_CACHE: _folder, NODE_DISABLE_COMPILE_CACHE: _off, ...environment } = process.env;
  const run = spawnSync(process.execPath, ["--conditions=@parley/source", cli, "--help"], {
    encoding: "utf8",
    env: { ...environment, TMPDIR: space.directory },
  });
  expect(run.status, run.stderr).toBe(0);
  const cached = await readdir(join(space.directory, "node-compile-cache"), { recursive: true, withFileTypes: true });
  // One entry per module compiled after the cache was turned on: the runner's own modules at least.
  expect(cached.filter((entry) => entry.isFile()).length).toBeGreaterThan(5);
});
