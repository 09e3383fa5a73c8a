import { afterEach, describe, expect, test } from "vitest";
import { parley, queryDuckdb, workspace } from "../support/cli-harness.ts";

let cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups) await cleanup();
  cleanups = [];
});

async function setup(source: Record<string, unknown>) {
  const space = await workspace();
  cleanups.push(space.cleanup);
  const config = await space.writeConfig({
    sink: { type: "duckdb", path: space.databasePath },
    sources: { counter: { type: "counter", ...source } },
    sync: { batchRows: 250, flushIntervalSeconds: 0 },
  });
  return { ...space, config };
}

describe("parley sync", () => {
  test("loads every record once, stores state and records the load; a second run only reads what is new", async () => {
    const { config, databasePath, writeConfig } = await setup({ pages: 10, pageSize: 100 });
    const first = await parley(["sync", "-c", config]);
    expect(first.stderr).not.toMatch(/error/i);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/counter\/items\s+counter_items\s+1,000\s+0/);
    expect(first.stdout).toContain('{"lastPage":10}');
    expect(
      await queryDuckdb(
        databasePath,
        "SELECT COUNT(*) AS n, COUNT(DISTINCT id) AS ids, MAX(n) AS top FROM counter_items",
      ),
    ).toEqual([{ n: 1000, ids: 1000, top: 1000 }]);

    const again = await parley(["sync", "-c", config]);
    expect(again.stdout).toMatch(/counter\/items\s+counter_items\s+0\s+0/);
    await writeConfig({
      sink: { type: "duckdb", path: databasePath },
      sources: { counter: { type: "counter", pages: 12, pageSize: 100 } },
    });
    const grown = await parley(["sync", "-c", config]);
    expect(grown.stdout).toMatch(/counter\/items\s+counter_items\s+200\s+0/);
    expect(await queryDuckdb(databasePath, "SELECT COUNT(*) AS n FROM counter_items")).toEqual([{ n: 1200 }]);
    const loads = await queryDuckdb(databasePath, "SELECT status, streams FROM _parley_loads ORDER BY started_at");
    expect(loads.map((load) => load.status)).toEqual(["succeeded", "succeeded", "succeeded"]);
    expect(
      (loads[2]?.streams as { records: number; stateBefore: unknown; stateAfter: unknown }[] | undefined)?.[0],
    ).toMatchObject({
      records: 200,
      stateBefore: { lastPage: 10 },
      stateAfter: { lastPage: 12 },
    });
  });

  test("sets malformed records aside with the reason and counts them in the summary", async () => {
    const { config, databasePath } = await setup({ pages: 2, pageSize: 50, rejectEvery: 7 });
    const run = await parley(["sync", "-c", config]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/counter\/items\s+counter_items\s+86\s+14/);
    expect(run.stdout).toContain("14 record(s) rejected (see the _parley_rejects table for reasons)");
    const rejects = await queryDuckdb(
      databasePath,
      "SELECT stream, reason, payload FROM _parley_rejects ORDER BY payload",
    );
    expect(rejects).toHaveLength(14);
    expect(rejects[0]?.reason).toBe('column "n": expected an integer, got string "not-a-number-14"');
    expect(JSON.parse(String(rejects[0]?.payload))).toMatchObject({ id: "item-14", n: "not-a-number-14" });
  });

  test("a failing run keeps the rows and state of the pages it finished, is recorded as failed, and the next run completes exactly once", async () => {
    const { config, databasePath, writeConfig } = await setup({ pages: 8, pageSize: 100, failAfterPages: 3 });
    const failed = await parley(["sync", "-c", config]);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toMatch(/FAILED counter \(load .*\): counter: failing on page 4 as configured/);
    expect(await queryDuckdb(databasePath, "SELECT COUNT(*) AS n FROM counter_items")).toEqual([{ n: 300 }]);
    expect(await queryDuckdb(databasePath, "SELECT status, error FROM _parley_loads")).toEqual([
      { status: "failed", error: "counter: failing on page 4 as configured" },
    ]);
    await writeConfig({
      sink: { type: "duckdb", path: databasePath },
      sources: { counter: { type: "counter", pages: 8, pageSize: 100 } },
    });
    const resumed = await parley(["sync", "-c", config]);
    expect(resumed.stdout).toMatch(
      /counter\/items\s+counter_items\s+500\s+0\s+[\d.]+\s+\{"lastPage":3\}\s+\{"lastPage":8\}/,
    );
    expect(
      await queryDuckdb(databasePath, "SELECT COUNT(*) AS n, COUNT(DISTINCT id) AS ids FROM counter_items"),
    ).toEqual([{ n: 800, ids: 800 }]);
  });

  test("--full-refresh ignores state and replaces the table atomically", async () => {
    const { config, databasePath } = await setup({ pages: 3, pageSize: 10 });
    await parley(["sync", "-c", config]);
    const refreshed = await parley(["sync", "-c", config, "--full-refresh"]);
    expect(refreshed.code).toBe(0);
    expect(refreshed.stdout).toMatch(/counter\/items\s+counter_items\s+30\s+0/);
    expect(
      await queryDuckdb(
        databasePath,
        "SELECT COUNT(*) AS n, COUNT(DISTINCT _parley_load_id) AS loads FROM counter_items",
      ),
    ).toEqual([{ n: 30, loads: 1 }]);
    expect(await queryDuckdb(databasePath, "SELECT state FROM _parley_state")).toEqual([{ state: { lastPage: 3 } }]);
  });

  test("state show and state reset", async () => {
    const { config } = await setup({ pages: 2, pageSize: 5 });
    await parley(["sync", "-c", config]);
    const shown = await parley(["state", "show", "-c", config]);
    expect(shown.stdout).toMatch(/items\s+1\s+\{"lastPage":2\}/);
    expect(shown.stdout).toMatch(/succeeded/);
    const reset = await parley(["state", "reset", "counter", "-c", config]);
    expect(reset.stdout).toContain("removed 1 state row(s) of counter");
    expect((await parley(["sync", "-c", config])).stdout).toMatch(
      /counter\/items\s+counter_items\s+10\s+0\s+[\d.]+\s+-\s+\{"lastPage":2\}/,
    );
  });
});

describe("configuration errors", () => {
  test("name the path of each bad field and what is expected, with exit code 2", async () => {
    const space = await workspace();
    cleanups.push(space.cleanup);
    const config = await space.writeConfig({
      sink: { type: "duckdb", path: space.databasePath, memoryLimit: "lots" },
      sources: { counter: { type: "counter", pages: -1, pagesize: 3 }, other: { type: "zendesk" } },
      sync: { batchRows: 0 },
    });
    const run = await parley(["sync", "-c", config]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("sync.batchRows");
    const second = await space.writeConfig({
      sink: { type: "duckdb", path: space.databasePath, memoryLimit: "lots" },
      sources: { counter: { type: "counter", pages: -1, pagesize: 3 }, other: { type: "zendesk" } },
    });
    const plugin = await parley(["sync", "-c", second]);
    expect(plugin.code).toBe(2);
    expect(plugin.stderr).toContain('sink.memoryLimit: must be a size such as "1GB" or "512MiB"');
    expect(plugin.stderr).toMatch(/sources\.counter\.pages: .*>=0|sources\.counter\.pages: .*0/);
    expect(plugin.stderr).toContain('sources.counter: unknown field "pagesize"');
    expect(plugin.stderr).toMatch(
      /sources\.other\.type: unknown source type "zendesk": install @parley\/connector-zendesk beside @parley\/runner \(installed: [a-z, ]*counter/,
    );
  });

  test("a missing file, broken YAML and an unset environment variable are clear errors", async () => {
    const space = await workspace();
    cleanups.push(space.cleanup);
    expect((await parley(["sync", "-c", `${space.directory}/nope.yaml`])).stderr).toMatch(
      /cannot read .*nope\.yaml \(ENOENT\); pass another file with -c/,
    );
    const broken = await space.writeConfig("sources:\n  counter: [unclosed\n");
    expect((await parley(["sync", "-c", broken])).stderr).toMatch(/line \d+, column \d+: not valid YAML/);
    const unset = await space.writeConfig({ sources: { counter: { type: "counter", token: "${COUNTER_TOKEN}" } } });
    const run = await parley(["check", "-c", unset]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("sources.counter.token: environment variable COUNTER_TOKEN is not set");
    // Only that: the empty value it leaves is not reported again ("must not be empty").
    expect(run.stderr.match(/sources\.counter\.token/g)).toHaveLength(1);
  });
});

describe("secrets", () => {
  test("a token from the environment never appears in output, logs, errors, state or the load ledger", async () => {
    const token = "tok_live_5f4dcc3b5aa765d61d8327deb882cf99";
    const space = await workspace();
    cleanups.push(space.cleanup);
    const config = await space.writeConfig({
      sink: { type: "duckdb", path: space.databasePath },
      sources: {
        counter: {
          type: "counter",
          pages: 3,
          pageSize: 5,
          failAfterPages: 2,
          token: "${COUNTER_TOKEN}",
          announcePages: true,
        },
      },
    });
    const environment = { COUNTER_TOKEN: token };
    const runs = [
      await parley(["check", "-c", config], environment),
      await parley(["sync", "-c", config], environment),
      await parley(["sync", "-c", config, "--log-format", "json"], environment),
      await parley(["state", "show", "-c", config], environment),
    ];
    expect(runs[1]?.code).toBe(1);
    for (const run of runs) expect(run.stdout + run.stderr).not.toContain(token);
    const stored = await queryDuckdb(
      space.databasePath,
      "SELECT CAST(l.streams AS VARCHAR) || coalesce(l.error, '') || CAST(s.state AS VARCHAR) AS text FROM _parley_loads l, _parley_state s",
    );
    for (const row of stored) expect(String(row.text)).not.toContain(token);
    expect(
      runs[2]?.stderr
        .split("\n")
        .filter(Boolean)
        .every((line) => JSON.parse(line) !== null),
    ).toBe(true);
  });
});
