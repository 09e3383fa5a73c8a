import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createUltimateSource } from "@parley/connector-ultimate";
import { silentLogger } from "@parley/core";
import { runSync } from "@parley/runner";
import { createUltimateEmulator } from "@parley/sandbox/ultimate";
import { createDuckdbSink } from "@parley/sink-duckdb";
import { afterEach, expect, test } from "vitest";
import { queryDuckdb } from "../support/cli-harness.ts";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

const now = "2024-06-20T09:00:00Z";
const day = "2024-06-19";

/** Export files in every layout the emulator serves, plus one holding records that must become rejects. */
async function exportFiles(directory: string): Promise<void> {
  const layouts = [
    { fileFormat: "array", seed: 1 },
    { fileFormat: "ndjson", seed: 2, conversationsData: "string", conversationsDataKey: "conversation_data" },
    { fileFormat: "array-pretty", seed: 3, messagesCountKey: "visitor_messages_count", apiVersion: "v2" },
    { fileFormat: "ndjson", seed: 4, upperCaseKeys: true },
  ] as const;
  for (const [index, layout] of layouts.entries()) {
    const emulator = await createUltimateEmulator({
      now,
      bots: 1,
      conversationsPerDay: 120,
      duplicatesPerDay: 3,
      ...layout,
    });
    try {
      const bot = emulator.bots[0]?.id as string;
      await emulator.writeDayFile(
        bot,
        day,
        join(directory, `conversation_${index}${bot.slice(1)}_20240619_000000000000.json`),
        {
          version: "apiVersion" in layout ? layout.apiVersion : "v3",
        },
      );
    } finally {
      await emulator.close();
    }
  }
  const base = { bot_id: "0123456789abcdef01234567", conversation_end_time: "2024-06-19T10:00:00.000+00:00" };
  const records = [
    { ...base, conversation_id: "fine", bot_messages_count: "3", labels: ["a"] },
    { ...base, conversation_id: "bad-count", bot_messages_count: "three" },
    { ...base, conversation_id: "bad-shape", triggered_intent_replies: "not a list" },
    { ...base, conversation_id: "bad-time", conversation_start_time: "yesterday" },
    { ...base, conversation_id: "" },
    { ...base, conversation_id: "lone-surrogate", bot_name: "half \ud83d emoji" },
    { ...base, conversation_id: "fine", bot_messages_count: "4", resolution_tier: "T1" },
  ];
  const lines = records.map((record) => JSON.stringify(record));
  lines.splice(3, 0, '{"conversation_id": broken');
  // JSON.stringify writes a lone surrogate as an escape, which DuckDB's reader refuses: that part goes to JavaScript.
  await writeFile(join(directory, "conversation_crafted_20240619_000000000000.json"), `${lines.join("\n")}\n`);
  // A key sent twice in one object (JavaScript keeps the last value): the scan leaves such a record to JavaScript
  // (DuckDB's reader would refuse the batch). No conversation repeats here, so the rest is read directly.
  const twice = (id: string) =>
    `{"bot_id":"${base.bot_id}","conversation_id":"${id}","bot_name":"first","conversation_end_time":"${base.conversation_end_time}","bot_name":"second"}`;
  await writeFile(
    join(directory, "conversation_keytwice_20240619_000000000000.json"),
    `[${twice("key-twice-1")},\n${JSON.stringify({ ...base, conversation_id: "once" })},${twice("key-twice-2")}]`,
  );
}

async function load(files: string, database: string, bulk: boolean, fullRefresh = false) {
  const sink = createDuckdbSink({ path: database, mapInSql: bulk });
  try {
    const result = await runSync({
      sourceName: "ultimate",
      source: createUltimateSource({ files }),
      sink,
      tablePrefix: "ultimate",
      batchRows: 100,
      // Several raw batches per file too (the bulk path counts bytes, the row path rows).
      rawBatchBytes: 40_000,
      bulk,
      fullRefresh,
      logger: silentLogger,
      now: () => new Date(now),
    });
    expect(result.status, String(result.error)).toBe("succeeded");
    return result.streams[0];
  } finally {
    await sink.close();
  }
}

test("the bulk path (DuckDB reads the raw records, SQL generated from the mapping) and the row path give identical tables and rejects", async () => {
  const directory = await mkdtemp(join(tmpdir(), "parley-bulk-"));
  cleanups.push(() => rm(directory, { recursive: true, force: true }));
  await exportFiles(directory);
  const files = join(directory, "conversation_*.json");
  const bulk = await load(files, join(directory, "bulk.duckdb"), true);
  const rows = await load(files, join(directory, "rows.duckdb"), false);
  expect(bulk?.records).toBe(rows?.records);
  expect(bulk?.rejects).toBe(rows?.rejects);
  expect(rows?.rejects).toBe(5);

  const table =
    "SELECT * EXCLUDE (_parley_load_id, _parley_loaded_at) FROM ultimate_conversations ORDER BY bot_id, conversation_id";
  const bulkRows = await queryDuckdb(join(directory, "bulk.duckdb"), table);
  expect(bulkRows.length).toBeGreaterThan(400);

  expect(bulkRows).toEqual(await queryDuckdb(join(directory, "rows.duckdb"), table));
  expect(bulkRows.find((row) => row.conversation_id === "fine")).toMatchObject({
    bot_messages_count: 4,
    extra_fields: { resolution_tier: "T1" },
  });

  const rejects = "SELECT stream, reason, payload FROM _parley_rejects ORDER BY reason";
  const bulkRejects = await queryDuckdb(join(directory, "bulk.duckdb"), rejects);
  expect(bulkRejects).toEqual(await queryDuckdb(join(directory, "rows.duckdb"), rejects));
  expect(bulkRejects.map((reject) => String(reject.reason).replace(/^.*\.json: /, ""))).toEqual([
    'field bot_messages_count: cannot read "three" as a whole-number count',
    "field conversation_id: missing or empty",
    'field conversation_start_time: cannot read "yesterday" as a timestamp',
    expect.stringMatching(/^not valid JSON/),
    'column "triggered_intent_replies": expected a list of objects, got string "not a list"',
  ]);
  // A full refresh (a replace, staged and swapped) through the bulk path gives the same table again.
  await load(files, join(directory, "bulk.duckdb"), true, true);
  expect(await queryDuckdb(join(directory, "bulk.duckdb"), table)).toEqual(bulkRows);
  expect(
    bulkRows.filter((row) => String(row.conversation_id).startsWith("key-twice")).map((row) => row.bot_name),
  ).toEqual(["second", "second"]);
  // Half a surrogate pair is repaired on both paths, not rejected.
  expect(bulkRows.find((row) => row.conversation_id === "lone-surrogate")?.bot_name).toBe("half \uFFFD emoji");
});
