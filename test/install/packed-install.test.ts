import { execFileSync, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Sandbox, startSandbox } from "@parley/sandbox";
import { createDuckdbSink } from "@parley/sink-duckdb";
import { afterAll, beforeAll, expect, test } from "vitest";

/**
 * What a user of one connector installs: the packed tarballs of @parley/runner and @parley/connector-voicegain
 * and their Parley dependencies (core, sink-duckdb), installed with npm into an empty folder (third-party packages
 * from the npm registry), nothing else of the workspace. Then `parley sync` from that folder into DuckDB.
 */
const root = fileURLToPath(new URL("../..", import.meta.url));
const packages = ["packages/core", "packages/sink-duckdb", "packages/connector-voicegain", "apps/runner"];
const pnpm = ["-y", "pnpm@12"];

/** The emulator's calls start here, before the connector's default `fromTime`. */
const emulatorStart = "2024-05-01T00:00:00Z";

let folder: string;
let app: string;
let tarballs: string[];
let sandbox: Sandbox;

/** Runs a command without blocking this process, which serves the vendor emulator the command talks to. */
async function run(command: string, args: readonly string[], cwd: string, environment: NodeJS.ProcessEnv = {}) {
  const child = spawn(command, args, { cwd, env: { ...process.env, ...environment } });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const [status] = (await once(child, "close")) as [number | null];
  return { status, stdout, stderr };
}

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), "parley-packed-"));
  app = join(folder, "app");
  await mkdir(app);
  const filters = packages.flatMap((path) => ["--filter", `./${path}`]);
  execFileSync("npx", [...pnpm, ...filters, "run", "build"], { cwd: root, stdio: "pipe" });
  for (const path of packages)
    execFileSync("npx", [...pnpm, "pack", "--pack-destination", folder], { cwd: join(root, path), stdio: "pipe" });
  tarballs = (await readdir(folder)).filter((name) => name.endsWith(".tgz")).map((name) => join(folder, name));
  await writeFile(join(app, "package.json"), JSON.stringify({ name: "one-connector", private: true, type: "module" }));
  const install = await run("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error", ...tarballs], app);
  if (install.status !== 0) throw new Error(`npm install failed: ${install.stderr}`);
  sandbox = await startSandbox({ basePort: 0 });
}, 600_000);

afterAll(async () => {
  await sandbox?.close();
  if (folder !== undefined) await rm(folder, { recursive: true, force: true });
});

test("each tarball carries the LICENSE file", () => {
  expect(tarballs).toHaveLength(packages.length);
  for (const tarball of tarballs)
    expect(execFileSync("tar", ["-tzf", tarball], { encoding: "utf8" })).toMatch(/^package\/LICENSE$/m);
});

test("installing the runner and one connector brings no other Parley package", async () => {
  expect((await readdir(join(app, "node_modules/@parley"))).sort()).toEqual([
    "connector-voicegain",
    "core",
    "runner",
    "sink-duckdb",
  ]);
});

test("parley sync runs from that folder into DuckDB, finding the connector by its package name", async () => {
  await writeFile(
    join(app, "parley.yaml"),
    [
      "sink:",
      "  type: duckdb",
      "  path: ./warehouse/parley.duckdb",
      "sources:",
      "  calls:",
      "    type: voicegain",
      `    baseUrl: ${sandbox.voicegain.apiUrl}`,
      "    token: ${VOICEGAIN_JWT}",
      "    rateLimit: false",
      `    fromTime: "${emulatorStart}"`,
      "",
    ].join("\n"),
  );
  const sync = await run(join(app, "node_modules/.bin/parley"), ["sync", "-c", "parley.yaml"], app, {
    VOICEGAIN_JWT: sandbox.voicegain.token,
  });
  expect(sync.status, `${sync.stdout}\n${sync.stderr}`).toBe(0);
  expect(sync.stdout).toMatch(/calls\/calls\s+voicegain_calls\s+[\d,]+\s+0/);
  const sink = createDuckdbSink({ path: join(app, "warehouse/parley.duckdb") });
  try {
    const [row] = await sink.query("SELECT COUNT(*) AS calls, COUNT(DISTINCT call_id) AS ids FROM voicegain_calls");
    expect(Number(row?.calls)).toBeGreaterThan(100);
    expect(row?.ids).toBe(row?.calls);
  } finally {
    await sink.close();
  }
});

test("a connector that is not installed is named with the package to install", async () => {
  await writeFile(join(app, "other.yaml"), "sources:\n  bot:\n    type: ultimate\n    token: x\n");
  const check = await run(join(app, "node_modules/.bin/parley"), ["check", "-c", "other.yaml"], app);
  expect(check.status).toBe(2);
  expect(check.stderr).toContain(
    'sources.bot.type: unknown source type "ultimate": install @parley/connector-ultimate beside @parley/runner (installed: voicegain)',
  );
});

test("the connector README's library example runs as printed and resumes from its state", async () => {
  const readme = await readFile(join(root, "packages/connector-voicegain/README.md"), "utf8");
  const example = /<!-- example:read-calls\.mjs -->\n```js\n([\s\S]*?)```/.exec(readme)?.[1];
  expect(example).toBeDefined();
  await writeFile(join(app, "read-calls.mjs"), example as string);
  const environment = { VOICEGAIN_JWT: sandbox.voicegain.token, VOICEGAIN_BASE_URL: sandbox.voicegain.apiUrl };
  const first = await run(process.execPath, ["read-calls.mjs"], app, environment);
  expect(first.status, first.stderr).toBe(0);
  expect(Number(/^(\d+) calls read$/m.exec(first.stdout)?.[1])).toBeGreaterThan(100);
  const again = await run(process.execPath, ["read-calls.mjs"], app, environment);
  expect(again.stdout).toBe("0 calls read\n");
});
