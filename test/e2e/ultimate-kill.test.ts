import { fileURLToPath } from "node:url";
import { createUltimateEmulator, type UltimateEmulator } from "@parley/sandbox/ultimate";
import { afterEach, expect, test } from "vitest";
import { queryDuckdb, workspace } from "../support/cli-harness.ts";
import { syncInChild } from "../support/sync-in-child.ts";

const child = fileURLToPath(new URL("../support/ultimate-sync-child.ts", import.meta.url));

const sync = (options: object, killAtFlush?: number) => syncInChild(child, options, { killAtFlush });

let emulator: UltimateEmulator | undefined;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await emulator?.close();
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

test.each([
  ["the bulk path (DuckDB reads the raw records)", true],
  ["the row path (records mapped in JavaScript)", false],
])(
  "an Ultimate sync killed mid-file, then re-run from its stored state, ends with each conversation exactly once: %s",
  async (_path, bulk) => {
    const now = "2024-06-20T09:00:00Z";
    // Three days of two bots, 1500 conversations a day in two files each, with duplicated records inside a day
    // (vendor-apis §3.7): batches of 200 rows are written many times inside each file.
    emulator = await createUltimateEmulator({
      seed: 11,
      now,
      conversationsPerDay: 1500,
      filesPerDay: 2,
      duplicatesPerDay: 5,
      fileFormat: "array-pretty",
    });
    const space = await workspace();
    cleanups.push(space.cleanup);
    const botIds = emulator.bots.slice(0, 2).map((bot) => bot.id);
    const days = ["2024-06-17", "2024-06-18", "2024-06-19"];
    const settings = {
      organizationId: emulator.organizationId,
      botIds,
      token: emulator.apiKey,
      baseUrl: emulator.url,
      startDate: days[0],
    };
    const options = { settings, databasePath: space.databasePath, now, batchRows: 200, bulk };
    const expected = new Set<string>();
    for (const botId of botIds)
      for (const day of days)
        for (const record of emulator.records(botId, day)) expected.add(`${botId}/${String(record.conversation_id)}`);

    for (const killAt of [3, 17]) {
      const run = await sync(options, killAt);
      expect(run.killed, run.output).toBe(true);
      const [rows] = await queryDuckdb(
        space.databasePath,
        "SELECT COUNT(*) AS n, COUNT(DISTINCT (bot_id, conversation_id)) AS keys FROM ultimate_conversations",
      );
      expect(rows?.n).toBe(rows?.keys);
      expect(Number(rows?.n)).toBeLessThan(expected.size);
      // State never runs ahead of the data: every day it claims for a bot is stored in full.
      const state = await queryDuckdb(
        space.databasePath,
        "SELECT state FROM _parley_state WHERE stream = 'conversations'",
      );
      const claimed = ((state[0]?.state as { bots?: Record<string, string> } | undefined)?.bots ?? {}) as Record<
        string,
        string
      >;
      for (const [botId, lastDay] of Object.entries(claimed)) {
        const stored = await queryDuckdb(
          space.databasePath,
          `SELECT COUNT(*) AS n FROM ultimate_conversations WHERE bot_id = '${botId}' AND export_date <= DATE '${lastDay}'`,
        );
        const served = days
          .filter((day) => day <= lastDay)
          .reduce(
            (sum, day) =>
              sum +
              new Set([...(emulator as UltimateEmulator).records(botId, day)].map((record) => record.conversation_id))
                .size,
            0,
          );
        expect(stored[0]?.n).toBe(served);
      }
    }
    await sync(options);
    const [final] = await queryDuckdb(
      space.databasePath,
      "SELECT COUNT(*) AS n, COUNT(DISTINCT (bot_id, conversation_id)) AS keys FROM ultimate_conversations",
    );
    expect(final).toEqual({ n: expected.size, keys: expected.size });
    const stored = await queryDuckdb(
      space.databasePath,
      "SELECT bot_id || '/' || conversation_id AS key FROM ultimate_conversations",
    );
    expect(new Set(stored.map((row) => row.key))).toEqual(expected);
    expect(await queryDuckdb(space.databasePath, "SELECT state FROM _parley_state")).toEqual([
      { state: { bots: Object.fromEntries(botIds.map((botId) => [botId, "2024-06-19"])), lookbackDays: 2 } },
    ]);
    // A further run re-reads the lookback days (2) and still stores each conversation once.
    await sync(options);
    expect(await queryDuckdb(space.databasePath, "SELECT COUNT(*) AS n FROM ultimate_conversations")).toEqual([
      { n: expected.size },
    ]);
    // The pinned clock gives every run the same start time, so the statuses are compared as a sorted list.
    const loads = await queryDuckdb(space.databasePath, "SELECT status FROM _parley_loads ORDER BY status");
    expect(loads.map((load) => load.status)).toEqual(["running", "running", "succeeded", "succeeded"]);
  },
);

test.each([
  ["the bulk path", true],
  ["the row path", false],
])(
  "a sink write that fails in the middle of a download ends the run as failed with its error (the download is let go, nothing hangs), and a re-run stores each conversation once: %s",
  async (_path, bulk) => {
    const now = "2024-06-20T09:00:00Z";
    emulator = await createUltimateEmulator({ seed: 5, now, conversationsPerDay: 1500, fileFormat: "array-pretty" });
    const space = await workspace();
    cleanups.push(space.cleanup);
    const botId = emulator.bots[0]?.id as string;
    const settings = {
      organizationId: emulator.organizationId,
      botIds: [botId],
      token: emulator.apiKey,
      baseUrl: emulator.url,
      startDate: "2024-06-19",
    };
    const options = { settings, databasePath: space.databasePath, now, batchRows: 200, bulk };
    const failed = await syncInChild(child, { ...options, failAtWrite: 3 }, { mayFail: true, timeoutMs: 30_000 });
    expect(failed.output).toContain("done failed: Error: write 3 failed on purpose");
    expect(failed.code).toBe(1);
    await sync(options);
    const served = new Set([...emulator.records(botId, "2024-06-19")].map((record) => record.conversation_id)).size;
    expect(
      await queryDuckdb(
        space.databasePath,
        "SELECT COUNT(*) AS n, COUNT(DISTINCT conversation_id) AS keys FROM ultimate_conversations",
      ),
    ).toEqual([{ n: served, keys: served }]);
  },
);
