import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, test } from "vitest";
import { queryDuckdb, workspace } from "../support/cli-harness.ts";

const testCli = fileURLToPath(new URL("../support/parley-test-cli.ts", import.meta.url));

/** Starts `parley sync` in its own process and SIGKILLs it as soon as page `killAtPage` was reported. */
async function syncKilledAt(
  config: string,
  killAtPage: number | undefined,
): Promise<{ killed: boolean; output: string }> {
  const child: ChildProcess = spawn(process.execPath, ["--conditions=@parley/source", testCli, "sync", "-c", config], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  let killed = false;
  const onData = (chunk: Buffer) => {
    output += chunk.toString();
    if (killAtPage !== undefined && !killed && output.includes(`page ${killAtPage} done`)) {
      killed = true;
      child.kill("SIGKILL");
    }
  };
  child.stdout?.on("data", onData);
  child.stderr?.on("data", onData);
  const [code, signal] = (await once(child, "exit")) as [number | null, NodeJS.Signals | null];
  if (killAtPage === undefined && code !== 0) throw new Error(`sync failed (${code}): ${output}`);
  return { killed: killed && signal === "SIGKILL", output };
}

let cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups) await cleanup();
  cleanups = [];
});

describe.each(["merge", "append"] as const)(
  "a sync killed with SIGKILL between and during batches (%s stream, DuckDB file)",
  (disposition) => {
    test("ends, after re-runs, with every record exactly once and state matching the data", async () => {
      const space = await workspace();
      cleanups.push(space.cleanup);
      const pages = 12;
      const pageSize = 200;
      const config = await space.writeConfig({
        sink: { type: "duckdb", path: space.databasePath },
        sources: { counter: { type: "counter", pages, pageSize, delayMs: 25, disposition, announcePages: true } },
        sync: { batchRows: 300, flushIntervalSeconds: 0 },
      });
      const killPoints = [2, 5, 6, 9];
      for (const page of killPoints) {
        const run = await syncKilledAt(config, page);
        expect(run.killed, run.output).toBe(true);
        const [state] = await queryDuckdb(
          space.databasePath,
          "SELECT COALESCE(MAX(json_extract(state, '$.lastPage')::INTEGER), 0) AS page FROM _parley_state",
        );
        const [rows] = await queryDuckdb(
          space.databasePath,
          "SELECT COUNT(*) AS n, COUNT(DISTINCT id) AS ids FROM counter_items",
        );
        // State never runs ahead of the data: every page it claims is fully stored.
        expect(Number(rows?.ids)).toBeGreaterThanOrEqual(Number(state?.page) * pageSize);
        if (disposition === "append") expect(rows?.n).toBe(rows?.ids);
      }
      await syncKilledAt(config, undefined);
      const [final] = await queryDuckdb(
        space.databasePath,
        "SELECT COUNT(*) AS n, COUNT(DISTINCT id) AS ids, MIN(n) AS low, MAX(n) AS high FROM counter_items",
      );
      expect(final).toEqual({ n: pages * pageSize, ids: pages * pageSize, low: 1, high: pages * pageSize });
      expect(await queryDuckdb(space.databasePath, "SELECT state FROM _parley_state")).toEqual([
        { state: { lastPage: pages } },
      ]);
      const loads = await queryDuckdb(space.databasePath, "SELECT status FROM _parley_loads ORDER BY started_at");
      // Killed runs stay visible as never finished; only the last one is complete.
      expect(loads.map((load) => load.status)).toEqual([...killPoints.map(() => "running"), "succeeded"]);
    });
  },
);
