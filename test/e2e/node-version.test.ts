import { execFileSync, spawnSync } from "node:child_process";
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
