import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, test } from "vitest";
import { queryDuckdb, workspace } from "../support/cli-harness.ts";
import { freshPostgresSchema, postgresUrl } from "../support/postgres-schema.ts";

const testCli = fileURLToPath(new URL("../support/parley-test-cli.ts", import.meta.url));

/** Starts `parley sync` in its own process and SIGKILLs it as soon as page `killAtPage` was reported. */
async function syncKilledAt(
  config: string,
  killAtPage: number | undefined,
): Promise<{ killed: boolean; output: string }> {
  // --wait: PostgreSQL frees a killed run's advisory lock once it notices the closed connection, which on a busy
  // machine can be a moment after the next run starts.
  const args = ["--conditions=@parley/source", testCli, "sync", "-c", config, "--wait"];
  const child: ChildProcess = spawn(process.execPath, args, {
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

/** Where a run's results land, and how the test reads them back after the CLI (or its killed process) let go. */
interface Store {
  readonly sink: Record<string, unknown>;
  readonly query: (sql: string) => Promise<readonly Record<string, unknown>[]>;
  /** The highest page the stored state claims, 0 without state, as `page`. */
  readonly lastPageSql: string;
}

async function duckdbStore(space: Awaited<ReturnType<typeof workspace>>): Promise<Store> {
  return {
    sink: { type: "duckdb", path: space.databasePath },
    query: (sql) => queryDuckdb(space.databasePath, sql),
    lastPageSql: "SELECT COALESCE(MAX(json_extract(state, '$.lastPage')::INTEGER), 0) AS page FROM _parley_state",
  };
}

/** A fresh schema per test, dropped afterwards; the test reads it through the PostgreSQL sink's own `query`. */
async function postgresStore(): Promise<Store> {
  const postgres = freshPostgresSchema("kill_resume");
  cleanups.push(postgres.drop);
  return {
    sink: { type: "postgres", url: postgresUrl, schema: postgres.schema },
    query: (sql) => postgres.sink.query(sql),
    lastPageSql: "SELECT COALESCE(MAX((state ->> 'lastPage')::INTEGER), 0) AS page FROM _parley_state",
  };
}

const stores = [
  ["DuckDB file", duckdbStore],
  ["PostgreSQL", postgresStore],
] as const;

describe.each(
  stores.flatMap(([label, store]) =>
    (["merge", "append"] as const).map((disposition) => ({ label, store, disposition })),
  ),
)("a sync killed with SIGKILL between and during batches ($disposition stream, $label)", ({ store, disposition }) => {
  test("ends, after re-runs, with every record exactly once and state matching the data", async () => {
    const space = await workspace();
    cleanups.push(space.cleanup);
    const target = await store(space);
    const pages = 12;
    const pageSize = 200;
    const config = await space.writeConfig({
      sink: target.sink,
      sources: { counter: { type: "counter", pages, pageSize, delayMs: 25, disposition, announcePages: true } },
      sync: { batchRows: 300, flushIntervalSeconds: 0 },
    });
    const killPoints = [2, 5, 6, 9];
    for (const page of killPoints) {
      const run = await syncKilledAt(config, page);
      expect(run.killed, run.output).toBe(true);
      const [state] = await target.query(target.lastPageSql);
      const [rows] = await target.query("SELECT COUNT(*) AS n, COUNT(DISTINCT id) AS ids FROM counter_items");
      // State never runs ahead of the data: every page it claims is fully stored.
      expect(Number(rows?.ids)).toBeGreaterThanOrEqual(Number(state?.page) * pageSize);
      if (disposition === "append") expect(rows?.n).toBe(rows?.ids);
    }
    await syncKilledAt(config, undefined);
    const [final] = await target.query(
      "SELECT COUNT(*) AS n, COUNT(DISTINCT id) AS ids, MIN(n) AS low, MAX(n) AS high FROM counter_items",
    );
    expect(final).toEqual({ n: pages * pageSize, ids: pages * pageSize, low: 1, high: pages * pageSize });
    expect(await target.query("SELECT state FROM _parley_state")).toEqual([{ state: { lastPage: pages } }]);
    const loads = await target.query("SELECT status FROM _parley_loads ORDER BY started_at");
    // Killed runs stay visible as never finished (the next run marks each abandoned); only the last one is complete.
    expect(loads.map((load) => load.status)).toEqual([...killPoints.map(() => "abandoned"), "succeeded"]);
  });
});
