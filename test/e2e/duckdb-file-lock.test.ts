import { spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { afterEach, expect, test } from "vitest";
import { parley, workspace } from "../support/cli-harness.ts";

const testCli = fileURLToPath(new URL("../support/parley-test-cli.ts", import.meta.url));

let cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups) await cleanup();
  cleanups = [];
});

test("another command on a DuckDB file a sync holds explains DuckDB's one-process-per-file lock", async () => {
  const space = await workspace();
  cleanups.push(space.cleanup);
  const config = await space.writeConfig({
    sink: { type: "duckdb", path: space.databasePath },
    sources: { counter: { type: "counter", pages: 40, pageSize: 10, delayMs: 200, announcePages: true } },
    sync: { flushIntervalSeconds: 0 },
  });
  const child = spawn(process.execPath, ["--conditions=@parley/source", testCli, "sync", "-c", config], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  cleanups.push(async () => {
    if (child.exitCode === null) {
      child.kill("SIGKILL");
      await once(child, "exit");
    }
  });
  await new Promise<void>((resolve) => {
    let output = "";
    child.stderr?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("page 1 done")) resolve();
    });
  });
  const shown = await parley(["state", "show", "-c", config]);
  expect(shown.code).toBe(1);
  expect(shown.stderr).toContain(
    `sink.path: cannot open the DuckDB file ${space.databasePath} (another process has the file open, such as a running parley sync: DuckDB allows one process per file)`,
  );
});
