import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { silentLogger } from "@parley/core";
import { runSync } from "@parley/runner";
import { createDuckdbSink } from "@parley/sink-duckdb";
import { afterEach, expect, test } from "vitest";
import { counterSourceFactory } from "../support/counter-source.ts";

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

test.each(["merge", "append"] as const)(
  "a %s sync stopped mid-page through its signal stores what its checkpoints cover, with that state, and records what it stored",
  async (disposition) => {
    const directory = await mkdtemp(join(tmpdir(), "parley-interrupted-"));
    const sink = createDuckdbSink({ path: join(directory, "stop.duckdb") });
    cleanup = async () => {
      await sink.close();
      await rm(directory, { recursive: true, force: true });
    };
    const controller = new AbortController();
    const source = counterSourceFactory.create(
      counterSourceFactory.configSchema.parse({
        pages: 50,
        pageSize: 10,
        delayMs: 5,
        disposition,
        announceRecords: true,
      }),
    );
    const result = await runSync({
      sourceName: "counter",
      source,
      sink,
      tablePrefix: "counter",
      // Nothing would be written before the end: what is stored is what the stop wrote.
      batchRows: 100_000,
      flushIntervalMs: 3_600_000,
      logger: silentLogger,
      signal: controller.signal,
      onProgress: (event) => {
        // Records 41-44 of page 5 are read after the last checkpoint (page 4), so they are not stored.
        if (event.kind === "source" && event.event.kind === "note" && event.event.message === "record 45")
          controller.abort(new Error("stopped by SIGTERM"));
      },
    });
    expect(result.status).toBe("interrupted");
    const [state] = await sink.readState("counter");
    const lastPage = (state?.value as { lastPage: number } | undefined)?.lastPage ?? 0;
    expect(lastPage).toBe(4);
    expect(await sink.query("SELECT COUNT(*) AS n, COUNT(DISTINCT id) AS ids FROM counter_items")).toEqual([
      { n: 40, ids: 40 },
    ]);
    const [load] = await sink.listLoads("counter");
    expect(load).toMatchObject({ status: "interrupted", error: "stopped by SIGTERM" });
    expect(load?.streams[0]).toMatchObject({ records: 40, stateAfter: { lastPage } });
    expect(result.streams[0]).toMatchObject({ records: 40 });
  },
);

test("a full refresh stopped mid-run swaps nothing in and records that it stored nothing", async () => {
  const directory = await mkdtemp(join(tmpdir(), "parley-interrupted-"));
  const sink = createDuckdbSink({ path: join(directory, "stop.duckdb") });
  cleanup = async () => {
    await sink.close();
    await rm(directory, { recursive: true, force: true });
  };
  const controller = new AbortController();
  const source = counterSourceFactory.create(
    counterSourceFactory.configSchema.parse({ pages: 50, pageSize: 10, announceRecords: true }),
  );
  const result = await runSync({
    sourceName: "counter",
    source,
    sink,
    tablePrefix: "counter",
    fullRefresh: true,
    // Staged in batches of 20, so rows were written to the staging area before the stop.
    batchRows: 20,
    logger: silentLogger,
    signal: controller.signal,
    onProgress: (event) => {
      if (event.kind === "source" && event.event.kind === "note" && event.event.message === "record 45")
        controller.abort(new Error("stopped by SIGTERM"));
    },
  });
  expect(result.status).toBe("interrupted");
  expect(await sink.query("SELECT COUNT(*) AS n FROM counter_items")).toEqual([{ n: 0 }]);
  const [load] = await sink.listLoads("counter");
  expect(load).toMatchObject({ status: "interrupted" });
  expect(load?.streams[0]).toMatchObject({ records: 0, stateAfter: null });
});
