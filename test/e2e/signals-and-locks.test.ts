import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, test } from "vitest";
import { queryDuckdb, workspace } from "../support/cli-harness.ts";
import { freshPostgresSchema, postgresUrl } from "../support/postgres-schema.ts";

const testCli = fileURLToPath(new URL("../support/parley-test-cli.ts", import.meta.url));

interface Running {
  readonly child: ChildProcess;
  output(): string;
  stdout(): string;
  /** Resolves once the combined output contains `text`. */
  waitFor(text: string): Promise<void>;
  exit(): Promise<number | null>;
}

/** `parley sync` in a process of its own, as a scheduler runs it. */
function start(config: string, ...extra: string[]): Running {
  const child = spawn(process.execPath, ["--conditions=@parley/source", testCli, "sync", "-c", config, ...extra], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  let stdout = "";
  const waiters: { text: string; resolve: () => void }[] = [];
  const onData = (chunk: Buffer, isStdout: boolean) => {
    output += chunk.toString();
    if (isStdout) stdout += chunk.toString();
    for (const waiter of waiters.filter((candidate) => output.includes(candidate.text))) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
  };
  child.stdout?.on("data", (chunk: Buffer) => onData(chunk, true));
  child.stderr?.on("data", (chunk: Buffer) => onData(chunk, false));
  const exited = once(child, "exit").then(([code]) => code as number | null);
  return {
    child,
    output: () => output,
    stdout: () => stdout,
    waitFor: (text) =>
      output.includes(text)
        ? Promise.resolve()
        : Promise.race([
            new Promise<void>((resolve) => waiters.push({ text, resolve })),
            exited.then(() => {
              throw new Error(`exited before printing "${text}":\n${output}`);
            }),
          ]),
    exit: () => exited,
  };
}

let cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups) await cleanup();
  cleanups = [];
});

interface Store {
  readonly sink: Record<string, unknown>;
  readonly query: (sql: string) => Promise<readonly Record<string, unknown>[]>;
  readonly lastPageSql: string;
}

const stores = {
  "DuckDB file": async (space: Awaited<ReturnType<typeof workspace>>): Promise<Store> => ({
    sink: { type: "duckdb", path: space.databasePath },
    query: (sql) => queryDuckdb(space.databasePath, sql),
    lastPageSql: "SELECT COALESCE(MAX(json_extract(state, '$.lastPage')::INTEGER), 0) AS page FROM _parley_state",
  }),
  PostgreSQL: async (): Promise<Store> => {
    const postgres = freshPostgresSchema("signals");
    cleanups.push(postgres.drop);
    return {
      sink: { type: "postgres", url: postgresUrl, schema: postgres.schema },
      query: (sql) => postgres.sink.query(sql),
      lastPageSql: "SELECT COALESCE(MAX((state ->> 'lastPage')::INTEGER), 0) AS page FROM _parley_state",
    };
  },
};

async function setup(label: keyof typeof stores, source: Record<string, unknown>, sync: Record<string, unknown>) {
  const space = await workspace();
  cleanups.push(space.cleanup);
  const store = await stores[label](space);
  const config = await space.writeConfig({
    sink: store.sink,
    sources: { counter: { type: "counter", announcePages: true, ...source } },
    sync,
  });
  return { store, config };
}

async function counts(store: Store) {
  const [rows] = await store.query("SELECT COUNT(*) AS n, COUNT(DISTINCT id) AS ids FROM counter_items");
  const [state] = await store.query(store.lastPageSql);
  return { rows: Number(rows?.n), ids: Number(rows?.ids), page: Number(state?.page) };
}

describe.each(Object.keys(stores) as (keyof typeof stores)[])("signals and locks (%s)", (label) => {
  test.each(["SIGTERM", "SIGINT"] as const)(
    "%s: stops reading, stores what checkpoints cover, records the load interrupted with its counts, prints the summary, exits 3",
    async (signal) => {
      const pageSize = 50;
      const { store, config } = await setup(
        label,
        { pages: 20, pageSize, delayMs: 150 },
        { batchRows: 10_000, flushIntervalSeconds: 0 },
      );
      const run = start(config);
      await run.waitFor("page 3 done");
      run.child.kill(signal);
      expect(await run.exit(), run.output()).toBe(3);
      expect(run.output()).toContain(`interrupted by ${signal}: stopping after the current batch`);
      expect(run.stdout()).toMatch(/counter\/items\s+counter_items\s+[\d,]+\s+0/);
      const stored = await counts(store);
      expect(stored.page).toBeGreaterThanOrEqual(3);
      // Exactly the pages the stored state claims: nothing past the last checkpoint, nothing twice.
      expect(stored).toEqual({ rows: stored.page * pageSize, ids: stored.page * pageSize, page: stored.page });
      const [load] = await store.query("SELECT status, error, streams FROM _parley_loads");
      expect(load?.status).toBe("interrupted");
      expect(load?.error).toBe(`interrupted by ${signal}`);
      const streams = (load?.streams ?? []) as { records: number }[];
      expect(streams[0]?.records).toBeGreaterThanOrEqual(stored.rows);

      const again = start(config);
      expect(await again.exit(), again.output()).toBe(0);
      expect(await counts(store)).toEqual({ rows: 20 * pageSize, ids: 20 * pageSize, page: 20 });
    },
  );

  test("with --log-format json a stopped run ends with a summary line scripts can alert on", async () => {
    const { config } = await setup(label, { pages: 20, pageSize: 50, delayMs: 150 }, { flushIntervalSeconds: 0 });
    const run = start(config, "--log-format", "json");
    await run.waitFor("page 2 done");
    run.child.kill("SIGTERM");
    expect(await run.exit(), run.output()).toBe(3);
    const lines = run
      .output()
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.find((line) => line.message === "counter interrupted")).toMatchObject({ level: "warn" });
    expect(lines.find((line) => line.message === "summary")).toMatchObject({
      level: "info",
      source: "counter",
      status: "interrupted",
      loadId: expect.stringMatching(/^\d{8}T\d{6}Z-[0-9a-f]{6}$/),
      streams: [{ stream: "items", records: expect.any(Number), rejects: 0 }],
    });
    expect(lines.every((line) => typeof line.time === "string" && typeof line.level === "string")).toBe(true);
  });

  test("the closing line and JSON log say which signal stopped the run and which sources it did not start", async () => {
    async function threeSources() {
      const space = await workspace();
      cleanups.push(space.cleanup);
      const store = await stores[label](space);
      const counter = { type: "counter", announcePages: true, pages: 20, pageSize: 50, delayMs: 150 };
      return space.writeConfig({
        sink: store.sink,
        sources: { counter, later: { ...counter, tablePrefix: "later" }, last: { ...counter, tablePrefix: "last" } },
        sync: { flushIntervalSeconds: 0 },
      });
    }
    const text = start(await threeSources());
    await text.waitFor("page 2 done");
    text.child.kill("SIGINT");
    expect(await text.exit(), text.output()).toBe(3);
    expect(text.stdout()).toContain("0 of 3 source(s) succeeded; stopped by SIGINT: not started: later, last;");
    const json = start(await threeSources(), "--log-format", "json");
    await json.waitFor("page 2 done");
    json.child.kill("SIGTERM");
    expect(await json.exit(), json.output()).toBe(3);
    const lines = json
      .output()
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.find((line) => line.message === "run summary")).toMatchObject({
      sources: 3,
      succeeded: 0,
      locked: [],
      notStarted: ["later", "last"],
      stoppedBy: "SIGTERM",
    });
  });

  test("a second signal stops at once; the next run records that load as abandoned and completes", async () => {
    // Checkpoints held back (large batch, long interval), so the first signal has 60,000 rows to store: the
    // second signal arrives while it does.
    const { store, config } = await setup(
      label,
      { pages: 4, pageSize: 20_000 },
      { batchRows: 1_000_000, flushIntervalSeconds: 600 },
    );
    const run = start(config);
    await run.waitFor("page 3 done");
    run.child.kill("SIGTERM");
    await sleep(30);
    run.child.kill("SIGTERM");
    expect(await run.exit(), run.output()).toBe(143);
    const again = start(config);
    expect(await again.exit(), again.output()).toBe(0);
    expect(again.output()).toMatch(
      /load \S+ \(started \S+\) was left running by a process that ended; recorded as abandoned/,
    );
    const loads = await store.query("SELECT status FROM _parley_loads ORDER BY started_at");
    expect(loads.map((load) => load.status)).toEqual(["abandoned", "succeeded"]);
    expect(await counts(store)).toEqual({ rows: 80_000, ids: 80_000, page: 4 });
  });

  test("a checkpoint older than flushIntervalSeconds is written while the source waits", async () => {
    // Page 1 arrives after 4 s, page 2 after 8 s; the flush interval (5 s) passes while the source waits.
    const { store, config } = await setup(
      label,
      { pages: 3, pageSize: 50, delayMs: 4_000 },
      { batchRows: 10_000, flushIntervalSeconds: 5 },
    );
    const run = start(config);
    await run.waitFor("page 1 done");
    await sleep(2_500);
    run.child.kill("SIGKILL");
    await run.exit();
    expect(await counts(store)).toEqual({ rows: 50, ids: 50, page: 1 });
  });

  test("a second sync of the same source exits 4 naming the running load and its start; with --wait it waits", async () => {
    const { store, config } = await setup(
      label,
      // Long enough (about 7 s) for two more processes to start while it runs, on a loaded machine too.
      { pages: 30, pageSize: 50, delayMs: 250 },
      { batchRows: 10_000, flushIntervalSeconds: 0 },
    );
    const first = start(config);
    await first.waitFor("page 1 done");
    const second = start(config);
    expect(await second.exit(), second.output()).toBe(4);
    const named = /Another run is loading counter .*load (\S+) \(started (\S+?)[,)]/.exec(second.output());
    expect(named, second.output()).not.toBeNull();
    expect(second.output()).toMatch(/parley sync -c \S+ --wait waits for it/);
    expect(second.stdout()).toContain(
      `0 of 1 source(s) succeeded; 1 locked by another run (counter: load ${named?.[1]})`,
    );
    const waiting = start(config, "--wait");
    await waiting.waitFor("waiting: Another run is loading counter");
    expect(await first.exit(), first.output()).toBe(0);
    expect(await waiting.exit(), waiting.output()).toBe(0);
    const loads = await store.query("SELECT load_id, started_at, status FROM _parley_loads ORDER BY started_at");
    expect(loads.map((load) => load.status)).toEqual(["succeeded", "succeeded"]);
    expect(loads[0]?.load_id).toBe(named?.[1]);
    expect(await counts(store)).toEqual({ rows: 1500, ids: 1500, page: 30 });
  });
});

test("PostgreSQL: a run whose lock connection is terminated fails before its next write, nothing past its checkpoint; the re-run completes", async () => {
  const space = await workspace();
  cleanups.push(space.cleanup);
  const postgres = freshPostgresSchema("lock_lost");
  cleanups.push(postgres.drop);
  const pageSize = 50;
  const config = await space.writeConfig({
    sink: { type: "postgres", url: postgresUrl, schema: postgres.schema },
    sources: { counter: { type: "counter", announcePages: true, pages: 20, pageSize, delayMs: 150 } },
    sync: { batchRows: 10_000, flushIntervalSeconds: 0 },
  });
  const run = start(config);
  await run.waitFor("page 3 done");
  // The page is announced when its checkpoint is handed on; its write may still be running (a loaded machine).
  const storedPage = async () =>
    Number(
      (
        await postgres.sink.query("SELECT COALESCE(MAX((state ->> 'lastPage')::INTEGER), 0) AS page FROM _parley_state")
      )[0]?.page,
    );
  for (let waited = 0; (await storedPage()) < 3 && waited < 10_000; waited += 50) await sleep(50);
  const [terminated] = await postgres.sink.query(
    `SELECT COUNT(pg_terminate_backend(pid)) AS n FROM pg_locks WHERE locktype = 'advisory' AND granted
     AND objid::bigint = (hashtext('parley-sink:${postgres.schema}/counter')::bigint & 4294967295)`,
  );
  expect(terminated?.n).toBe(1);
  expect(await run.exit(), run.output()).toBe(1);
  expect(run.output()).toContain("lost its lock on counter in postgres");
  const [load] = await postgres.sink.query("SELECT status, error FROM _parley_loads");
  expect(load?.status).toBe("failed");
  expect(String(load?.error)).toMatch(/lost its lock on counter .*its PostgreSQL connection ended/);
  const [rows] = await postgres.sink.query("SELECT COUNT(*) AS n, COUNT(DISTINCT id) AS ids FROM counter_items");
  const page = await storedPage();
  expect(page).toBeGreaterThanOrEqual(3);
  expect(page).toBeLessThan(20);
  expect({ rows: Number(rows?.n), ids: Number(rows?.ids) }).toEqual({ rows: page * pageSize, ids: page * pageSize });

  const again = start(config);
  expect(await again.exit(), again.output()).toBe(0);
  const [all] = await postgres.sink.query("SELECT COUNT(*) AS n, COUNT(DISTINCT id) AS ids FROM counter_items");
  expect({ rows: Number(all?.n), ids: Number(all?.ids) }).toEqual({ rows: 20 * pageSize, ids: 20 * pageSize });
});
