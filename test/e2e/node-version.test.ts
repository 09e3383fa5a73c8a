import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, test } from "vitest";

const bin = fileURLToPath(new URL("../../apps/runner/bin/parley.js", import.meta.url));

test("on an older Node.js the parley command says which version it needs, before importing anything", () => {
  const pretend = `data:text/javascript,Object.defineProperty(process.versions, "node", { value: "20.11.1" })`;
  const run = spawnSync(process.execPath, ["--import", pretend, bin, "--version"], { encoding: "utf8" });
  expect(run.stderr).toBe("Parley needs Node.js 22 or newer (found 20.11.1).\n");
  expect(run.status).toBe(2);
});

test("on a supported Node.js the same entry runs the CLI", () => {
  const run = spawnSync(process.execPath, ["--conditions=@parley/source", bin, "--version"], { encoding: "utf8" });
  expect(run.stderr).toBe("");
  expect(run.stdout).toMatch(/^\d+\.\d+\.\d+/);
});

// The machine's own Node.js, outside the workspace's (pnpm puts the workspace's Node 24 first on PATH).
const systemNode = ["/usr/bin/node", "/usr/local/bin/node"].find((path) => {
  try {
    return Number(execFileSync(path, ["-p", "process.versions.node"], { encoding: "utf8" }).split(".")[0]) < 22;
  } catch {
    return false;
  }
});

test.runIf(systemNode !== undefined)("a real Node.js older than 22 gets the message, not an import error", () => {
  const run = spawnSync(systemNode as string, ["--conditions=@parley/source", bin, "sync"], { encoding: "utf8" });
  expect(run.stderr).toMatch(/^Parley needs Node\.js 22 or newer \(found (1\d|2[01])\.\d+\.\d+\)\.\n$/);
  expect(run.status).toBe(2);
});

test("without a build (dist/ missing) the entry says how to run it, with exit 2 and no stack trace", () => {
  // A copy of the runner's package without dist/, as in a fresh clone where pnpm picks apps/runner's own bin.
  const folder = mkdtempSync(join(tmpdir(), "parley-unbuilt-"));
  try {
    mkdirSync(join(folder, "bin"));
    copyFileSync(bin, join(folder, "bin/parley.js"));
    const manifest = { name: "@parley/runner", type: "module", exports: { "./cli": "./dist/cli.js" } };
    writeFileSync(join(folder, "package.json"), JSON.stringify(manifest));
    const run = spawnSync(process.execPath, [join(folder, "bin/parley.js"), "--version"], { encoding: "utf8" });
    expect(run.stderr).toBe(
      `Parley's runner is not built (${join(folder, "dist/cli.js")} is missing). In a clone of the repository, run` +
        " parley from its root (npx -y pnpm@12 parley ...), or build it first (npx -y pnpm@12 build, at the root).\n",
    );
    expect(run.status).toBe(2);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});
