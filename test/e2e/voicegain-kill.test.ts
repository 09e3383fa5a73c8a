import { fileURLToPath } from "node:url";
import { createVoicegainEmulator, type VoicegainEmulator } from "@parley/sandbox/voicegain";
import { afterEach, expect, test } from "vitest";
import { queryDuckdb, workspace } from "../support/cli-harness.ts";
import { syncInChild } from "../support/sync-in-child.ts";

const child = fileURLToPath(new URL("../support/voicegain-sync-child.ts", import.meta.url));

const sync = (options: object, killAtFlush?: number) => syncInChild(child, options, { killAtFlush });

/** A run killed at its `killAt`-th write: it was killed, no call is stored twice, and not every call yet. */
async function killedRun(options: { readonly databasePath: string }, killAt: number, total: number): Promise<void> {
  const run = await sync(options, killAt);
  expect(run.killed, run.output).toBe(true);
  const [rows] = await queryDuckdb(
    options.databasePath,
    "SELECT COUNT(*) AS n, COUNT(DISTINCT call_id) AS keys FROM voicegain_calls",
  );
  expect(rows?.n).toBe(rows?.keys);
  expect(Number(rows?.n)).toBeLessThan(total);
}

let emulator: VoicegainEmulator | undefined;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await emulator?.close();
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

test.each([
  ["JSON pages, the bulk path (DuckDB reads the raw calls)", "json", true],
  ["JSON pages, the row path (calls mapped in JavaScript)", "json", false],
  ["CSV pages, the bulk path (DuckDB reads each record as its JSON call)", "csv", true],
  ["CSV pages, the row path (calls mapped in JavaScript)", "csv", false],
])(
  "a Voicegain consecutive export killed mid-run, then re-run from its stored state, ends with each call exactly once: %s",
  async (_path, format, bulk) => {
    emulator = await createVoicegainEmulator({
      seed: 5,
      callCount: 3000,
      inFlight: 0,
      rateLimits: false,
      firstStartTime: "2024-08-02T00:00:00Z",
    });
    const space = await workspace();
    cleanups.push(space.cleanup);
    const settings = {
      baseUrl: emulator.apiUrl,
      token: emulator.token,
      perPage: 150,
      rateLimit: false,
      format,
      timeZone: "America/Chicago",
    };
    const options = { settings, databasePath: space.databasePath, batchRows: 200, bulk };
    const expected = emulator.calls().map((call) => Number(call.callId));

    for (const killAt of [2, 7]) {
      await killedRun(options, killAt, expected.length);
      // State never runs ahead of the data: every call at or below the stored cursor is stored.
      const [state] = await queryDuckdb(space.databasePath, "SELECT state FROM _parley_state WHERE stream = 'calls'");
      const after = (state?.state as { consecutive?: { afterCallId: number } } | undefined)?.consecutive?.afterCallId;
      // By the seventh written batch some pages have been checkpointed: the check below is then not vacuous.
      if (killAt === 7) expect(after, "a cursor stored before the kill").toBeGreaterThan(0);
      const covered = expected.filter((callId) => callId <= (after ?? 0)).length;
      const [stored] = await queryDuckdb(
        space.databasePath,
        `SELECT COUNT(*) AS n FROM voicegain_calls WHERE call_id <= ${after ?? 0}`,
      );
      expect(stored?.n).toBe(covered);
    }
    await sync(options);
    const [final] = await queryDuckdb(
      space.databasePath,
      "SELECT COUNT(*) AS n, COUNT(DISTINCT call_id) AS keys, MAX(call_id) AS highest FROM voicegain_calls",
    );
    expect(final).toEqual({ n: expected.length, keys: expected.length, highest: Math.max(...expected) });
    const stored = await queryDuckdb(space.databasePath, "SELECT call_id FROM voicegain_calls ORDER BY call_id");
    expect(stored.map((row) => row.call_id)).toEqual(expected);
  },
);

test("a Voicegain window export of CSV pages on the bulk path, killed mid-run, resumes at its stored page and ends with each call exactly once", async () => {
  emulator = await createVoicegainEmulator({
    seed: 6,
    callCount: 3000,
    inFlight: 0,
    rateLimits: false,
    firstStartTime: "2024-08-02T00:00:00Z",
  });
  const space = await workspace();
  cleanups.push(space.cleanup);
  const perPage = 150;
  const settings = {
    baseUrl: emulator.apiUrl,
    token: emulator.token,
    perPage,
    rateLimit: false,
    format: "csv",
    timeZone: "America/Chicago",
    mode: "window",
    fromTime: "2024-08-01T00:00:00Z",
    toTime: "2024-09-30T00:00:00Z",
  };
  const options = { settings, databasePath: space.databasePath, batchRows: 200, bulk: true };
  const expected = emulator.calls().map((call) => Number(call.callId));

  for (const killAt of [2, 7]) {
    await killedRun(options, killAt, expected.length);
    // State never runs ahead of the data: every call on the pages before the stored next page is stored.
    const [state] = await queryDuckdb(space.databasePath, "SELECT state FROM _parley_state WHERE stream = 'calls'");
    const nextPage = (state?.state as { window?: { nextPage: number } } | undefined)?.window?.nextPage ?? 1;
    if (killAt === 7) expect(nextPage, "a page stored before the kill").toBeGreaterThan(1);
    const covered = expected.slice(0, (nextPage - 1) * perPage);
    const [stored] = await queryDuckdb(
      space.databasePath,
      `SELECT COUNT(*) AS n FROM voicegain_calls WHERE call_id IN (${[0, ...covered].join(",")})`,
    );
    expect(stored?.n).toBe(covered.length);
  }
  await sync(options);
  const stored = await queryDuckdb(space.databasePath, "SELECT call_id FROM voicegain_calls ORDER BY call_id");
  expect(stored.map((row) => row.call_id)).toEqual(expected);
});
