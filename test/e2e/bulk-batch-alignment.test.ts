import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createVoicegainSource } from "@parley/connector-voicegain";
import { silentLogger } from "@parley/core";
import { runSync } from "@parley/runner";
import { createVoicegainEmulator } from "@parley/sandbox/voicegain";
import { createDuckdbSink } from "@parley/sink-duckdb";
import { afterEach, expect, test } from "vitest";
import { queryDuckdb } from "../support/cli-harness.ts";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

test("bulk batches that would leave a small row group are cut to whole DuckDB row groups (the rest waits for the next batch), with the same rows and state as the row path", async () => {
  const emulator = await createVoicegainEmulator({
    seed: 9,
    callCount: 7000,
    inFlight: 0,
    rateLimits: false,
    firstStartTime: "2024-08-02T00:00:00Z",
  });
  cleanups.push(() => emulator.close());
  const directory = await mkdtemp(join(tmpdir(), "parley-alignment-"));
  cleanups.push(() => rm(directory, { recursive: true, force: true }));
  const settings = { baseUrl: emulator.apiUrl, token: emulator.token, perPage: 700, rateLimit: false as const };

  const load = async (database: string, bulk: boolean) => {
    const sink = createDuckdbSink({ path: database, mapInSql: bulk, rowGroupSize: 2048 });
    const source = createVoicegainSource(settings);
    const flushed: { rows: number; withState: boolean }[] = [];
    try {
      const result = await runSync({
        sourceName: "voicegain",
        source,
        sink,
        tablePrefix: "voicegain",
        // About 2,300 calls per bulk batch before the cut: a leftover of ~250, under half a row group.
        rawBatchBytes: 4_200_000,
        bulk,
        logger: silentLogger,
        onProgress: (event) => {
          if (event.kind === "flushed") flushed.push({ rows: event.rows, withState: event.withState });
        },
      });
      expect(result.status, String(result.error)).toBe("succeeded");
    } finally {
      await sink.close();
      await source.close();
    }
    return flushed;
  };

  const bulkDatabase = join(directory, "bulk.duckdb");
  const flushed = await load(bulkDatabase, true);
  const withRows = flushed.filter((batch) => batch.rows > 0);
  expect(withRows.length).toBeGreaterThan(2);
  // Every batch but the stream's last holds whole row groups; the leftovers went with the next batch.
  for (const batch of withRows.slice(0, -1)) expect(batch.rows % 2048).toBe(0);
  expect(withRows.reduce((sum, batch) => sum + batch.rows, 0)).toBe(7000);
  const groups = await queryDuckdb(
    bulkDatabase,
    "SELECT row_group_id, max(count) AS n FROM pragma_storage_info('voicegain_calls') GROUP BY row_group_id ORDER BY row_group_id",
  );
  // 7,000 calls: three whole groups of 2048 and the rest.
  expect(groups.map((group) => Number(group.n))).toEqual([2048, 2048, 2048, 7000 - 3 * 2048]);

  const rowDatabase = join(directory, "rows.duckdb");
  await load(rowDatabase, false);
  const table = "SELECT * EXCLUDE (_parley_load_id, _parley_loaded_at) FROM voicegain_calls ORDER BY call_id";
  expect(await queryDuckdb(bulkDatabase, table)).toEqual(await queryDuckdb(rowDatabase, table));
  const state = "SELECT stream, state FROM _parley_state";
  expect(await queryDuckdb(bulkDatabase, state)).toEqual(await queryDuckdb(rowDatabase, state));
});
