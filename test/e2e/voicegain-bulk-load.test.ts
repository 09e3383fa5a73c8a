import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createVoicegainSource, voicegainJsonOnlyColumns } from "@parley/connector-voicegain";
import { createLogger, type Source, type SourceMessage } from "@parley/core";
import { runSync } from "@parley/runner";
import { createVoicegainEmulator, type VoicegainEmulator } from "@parley/sandbox/voicegain";
import { createDuckdbSink } from "@parley/sink-duckdb";
import { afterEach, expect, test } from "vitest";
import { queryDuckdb } from "../support/cli-harness.ts";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** The source, counting the raw messages it sends (JSON pages handed on as the vendor's bytes). */
function countingRaw(source: Source): { source: Source; raw: () => number } {
  let raw = 0;
  async function* counted(messages: AsyncIterable<SourceMessage>): AsyncIterable<SourceMessage> {
    for await (const message of messages) {
      if (message.kind === "raw") raw += message.records.count;
      yield message;
    }
  }
  return { source: { ...source, read: (context) => counted(source.read(context)) }, raw: () => raw };
}

async function load(
  emulator: VoicegainEmulator,
  database: string,
  bulk: boolean,
  format: "json" | "csv" = "json",
  window?: { fromTime: string; toTime: string },
) {
  const logged: string[] = [];
  const sink = createDuckdbSink({ path: database, mapInSql: bulk });
  const { source, raw } = countingRaw(
    createVoicegainSource({
      baseUrl: emulator.apiUrl,
      token: emulator.token,
      perPage: 70,
      rateLimit: false,
      format,
      timeZone: "America/Chicago",
      ...(window === undefined ? {} : { mode: "window", ...window }),
    }),
  );
  try {
    const result = await runSync({
      sourceName: "voicegain",
      source,
      sink,
      tablePrefix: "voicegain",
      batchRows: 100,
      // Several raw batches per run (the bulk path counts bytes, the row path rows).
      rawBatchBytes: 60_000,
      bulk,
      logger: createLogger({ write: (line) => logged.push(line) }),
    });
    expect(result.status, String(result.error)).toBe("succeeded");
    return { stream: result.streams[0], raw: raw(), logged };
  } finally {
    await sink.close();
    await source.close();
  }
}

type Loaded = Awaited<ReturnType<typeof load>>;

/** The bulk run sent raw calls (more than 300), the row run none, and both counted the same records and rejects. */
function expectSameCounts(bulk: Loaded, rows: Loaded): void {
  expect(bulk.raw).toBeGreaterThan(300);
  expect(rows.raw).toBe(0);
  expect(bulk.stream?.records).toBe(rows.stream?.records);
  expect(bulk.stream?.rejects).toBe(rows.stream?.rejects);
}

/** The run's log lines saying how many records were mapped in JavaScript instead of by the sink's reader. */
function mappedApart(run: Loaded): string[] {
  return run.logged.filter((line) => line.includes("were mapped in JavaScript instead"));
}

/** Finished calls changed into what the emulator never generates: values each path must read alike. */
function craft(emulator: VoicegainEmulator): void {
  const done = emulator.calls().filter((call) => call.progressPhase === "DONE");
  const changes: Record<string, unknown>[] = [
    { score: "high" },
    { duration: 7.5 },
    { agent: "someone" },
    { sentiments: "[1]" },
    { markers: [{ time: "12", type: "HOLD" }, null] },
    { spawnedCalls: [12345, ""] },
    { unknownField: { a: 1 } },
    { score: "87.5", callResolved: "TRUE" },
    { startTime: "2024-05-01T14:00:00+02:00" },
    { notes: 'line one\nline "two" é \u0000 nul' },
    { tags: ["a", 5, null] },
    { wordCloud: [{ phrase: "x", freq: 2, extra: true }] },
    { queue: { queueId: 77, name: "" } },
  ];
  for (const [index, change] of changes.entries()) {
    const call = done[index * 7 + 3];
    if (call === undefined) throw new Error("not enough finished calls");
    emulator.reviewCall(call.callId, change as never);
  }
}

test("Voicegain JSON pages: the bulk path (raw calls, SQL from the calls mapping) and the row path give identical tables and rejects", async () => {
  const directory = await mkdtemp(join(tmpdir(), "parley-vg-bulk-"));
  cleanups.push(() => rm(directory, { recursive: true, force: true }));
  const emulator = await createVoicegainEmulator({
    callCount: 400,
    rateLimits: false,
    firstStartTime: "2024-08-02T00:00:00Z",
  });
  cleanups.push(() => emulator.close());
  craft(emulator);
  const databases = { bulk: join(directory, "bulk.duckdb"), rows: join(directory, "rows.duckdb") };

  const bulk = await load(emulator, databases.bulk, true);
  const rows = await load(emulator, databases.rows, false);
  expectSameCounts(bulk, rows);
  // The crafted calls are not in the forms DuckDB's reader is given: said once, with how many, on the bulk path only.
  const apart = mappedApart(bulk);
  expect(apart).toHaveLength(1);
  const [, count, total] = /calls: (\d+) of (\d+) records/.exec(apart[0] as string) ?? [];
  // Every reject, and more (a call with a field the mapping does not name is a row, mapped in JavaScript).
  expect(Number(count)).toBeGreaterThan(bulk.stream?.rejects ?? 0);
  expect(Number(count)).toBeLessThan(Number(total) / 2);
  expect(mappedApart(rows)).toEqual([]);

  // More calls arrive, some finished ones are reviewed: a second consecutive run of each path.
  emulator.completeInFlight();
  emulator.addCalls(150, { inFlight: false });
  await load(emulator, databases.bulk, true);
  await load(emulator, databases.rows, false);

  const table = "SELECT * EXCLUDE (_parley_load_id, _parley_loaded_at) FROM voicegain_calls ORDER BY call_id";
  const bulkRows = await queryDuckdb(databases.bulk, table);
  expect(bulkRows.length).toBeGreaterThan(500);
  expect(bulkRows).toEqual(await queryDuckdb(databases.rows, table));

  const rejects = "SELECT stream, reason, payload FROM _parley_rejects ORDER BY reason";
  const bulkRejects = await queryDuckdb(databases.bulk, rejects);
  expect(bulkRejects).toEqual(await queryDuckdb(databases.rows, rejects));
  expect(bulkRejects.map((reject) => reject.reason)).toEqual([
    "agent: expected an object",
    'column "sentiments": expected a list of objects, got string "[1]"',
    "duration: 7.5 is not a whole number",
    'score: "high" is not a number',
  ]);
  const read = (field: string) => bulkRows.filter((row) => row[field] !== null);
  expect(read("markers").some((row) => JSON.stringify(row.markers).includes('"time":12'))).toBe(true);
});

/** Finished calls changed into values a CSV page writes in ways of its own (pipe lists, `a,b|a,b` items, local times). */
function craftForCsv(emulator: VoicegainEmulator): number[] {
  const done = emulator.calls().filter((call) => call.progressPhase === "DONE");
  const changes: Record<string, unknown>[] = [
    { score: "high" },
    { duration: 7.5 },
    { callResolved: "yes" },
    { markers: [{ time: "x", type: "HOLD" }] },
    { wordCloud: [{ phrase: "a", freq: 1.5 }] },
    { notes: 'line one, "two"\r\nthree \\ é \u0000 end', reviewNotes: "" },
    {
      markers: [
        { time: 5, type: "HOLD", note: "a note, with commas, two" },
        { time: 9, type: "UNHOLD" },
      ],
    },
    { tags: ["a", "", "b"], keywords: [], topics: ["x,y"] },
    { wordCloud: [{ phrase: "rate, monthly", freq: 3 }], dtmfEvents: [{ dtmf: "#", timestamp: 12 }] },
    { score: "87.50", sentiment: "1e-1", incidents: "007", originatingCallId: "0012" },
    { agent: { agentId: "", email: "a@example.com" }, queue: undefined },
  ];
  return changes.map((change, index) => {
    const call = done[index * 7 + 3];
    if (call === undefined) throw new Error("not enough finished calls");
    emulator.reviewCall(call.callId, change as never);
    return Number(call.callId);
  });
}

test("Voicegain CSV pages: the bulk path (each record as its JSON call, SQL from the calls mapping) and the row path give identical tables and rejects, and the rows of JSON pages", async () => {
  const directory = await mkdtemp(join(tmpdir(), "parley-vg-bulk-csv-"));
  cleanups.push(() => rm(directory, { recursive: true, force: true }));
  // Calls every ~45 s from 04:00Z on Nov 3 2024: pages of 70 cut the hour Chicago repeats (06:00Z-08:00Z).
  const emulator = await createVoicegainEmulator({
    callCount: 400,
    rateLimits: false,
    shuffleCsvColumns: true,
    firstStartTime: "2024-11-03T04:00:00Z",
    meanGapSeconds: 45,
  });
  cleanups.push(() => emulator.close());
  const crafted = craftForCsv(emulator);
  const databases = {
    bulk: join(directory, "bulk.duckdb"),
    rows: join(directory, "rows.duckdb"),
    json: join(directory, "json.duckdb"),
  };

  const bulk = await load(emulator, databases.bulk, true, "csv");
  const rows = await load(emulator, databases.rows, false, "csv");
  await load(emulator, databases.json, false, "json");
  expectSameCounts(bulk, rows);
  // Every JSON call a CSV record becomes is in the forms DuckDB's reader is given, but the one whose notes hold a NUL
  // (which JavaScript repairs).
  const apart = mappedApart(bulk);
  expect(apart).toHaveLength(1);
  expect(apart[0]).toMatch(/calls: 1 of \d+ records/);

  emulator.completeInFlight();
  emulator.addCalls(150, { inFlight: false });
  await load(emulator, databases.bulk, true, "csv");
  await load(emulator, databases.rows, false, "csv");
  await load(emulator, databases.json, false, "json");

  const table = "SELECT * EXCLUDE (_parley_load_id, _parley_loaded_at) FROM voicegain_calls ORDER BY call_id";
  const bulkRows = await queryDuckdb(databases.bulk, table);
  expect(bulkRows.length).toBeGreaterThan(500);
  expect(bulkRows).toEqual(await queryDuckdb(databases.rows, table));
  const inRepeatedHour = bulkRows.filter(
    (row) => String(row.start_time) >= "2024-11-03T06:00" && String(row.start_time) < "2024-11-03T08:00",
  );
  expect(inRepeatedHour.length).toBeGreaterThan(100);

  // A CSV page carries the JSON page's values in its own spelling: the calls not crafted load to the same rows.
  const shared = (row: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(row).filter(([name]) => !voicegainJsonOnlyColumns.includes(name)));
  const plain = (rows: readonly Record<string, unknown>[]) =>
    rows.filter((row) => !crafted.includes(Number(row.call_id))).map(shared);
  expect(plain(bulkRows)).toEqual(plain(await queryDuckdb(databases.json, table)));

  const rejects = "SELECT stream, reason, payload FROM _parley_rejects ORDER BY reason";
  const bulkRejects = await queryDuckdb(databases.bulk, rejects);
  expect(bulkRejects).toEqual(await queryDuckdb(databases.rows, rejects));
  expect(bulkRejects.map((reject) => reject.reason)).toEqual([
    'duration: "7.5" is not a whole number',
    'isCallResolved: "yes" is not true or false',
    'markers[0].time: "x" is not a number',
    'score: "high" is not a number',
    'wordCloud[0].freq: "1.5" is not a whole number',
  ]);
  // A reject keeps the CSV record as it arrived.
  expect(String(bulkRejects[3]?.payload)).toMatch(/(^|,)high,/);
  const byId = new Map(bulkRows.map((row) => [Number(row.call_id), row]));
  const crafts = crafted.map((callId) => byId.get(callId));
  // The NUL is stored as U+FFFD, as every text with one is (on both paths).
  expect(crafts[5]?.notes).toBe('line one, "two"\r\nthree \\ é \ufffd end');
  expect(crafts[6]?.markers).toEqual([
    { time: 5, type: "HOLD", note: "a note, with commas, two" },
    { time: 9, type: "UNHOLD", note: null },
  ]);
  expect(crafts[7]).toMatchObject({ tags: ["a", "", "b"], keywords: null, topics: ["x,y"] });
  expect(crafts[9]).toMatchObject({ score: 87.5, sentiment: 0.1, incidents: 7, originating_call_id: 12 });
  expect(crafts[10]).toMatchObject({ agent_id: null, agent_email: "a@example.com", queue_id: null, queue_name: null });
});

test("Voicegain CSV pages in window mode: the bulk path leaves out the calls still being processed as the row path does, with identical tables and rejects", async () => {
  const directory = await mkdtemp(join(tmpdir(), "parley-vg-bulk-window-"));
  cleanups.push(() => rm(directory, { recursive: true, force: true }));
  const emulator = await createVoicegainEmulator({
    seed: 9,
    callCount: 300,
    inFlight: 6,
    rateLimits: false,
    firstStartTime: "2024-08-02T00:00:00Z",
  });
  cleanups.push(() => emulator.close());
  const crafted = craftForCsv(emulator);
  const window = { fromTime: "2024-08-01T00:00:00Z", toTime: "2024-08-30T00:00:00Z" };
  const databases = { bulk: join(directory, "bulk.duckdb"), rows: join(directory, "rows.duckdb") };

  const bulk = await load(emulator, databases.bulk, true, "csv", window);
  const rows = await load(emulator, databases.rows, false, "csv", window);
  expect(bulk.raw).toBeGreaterThan(250);
  expect(rows.raw).toBe(0);
  const finished = emulator.calls().filter((call) => call.progressPhase === "DONE" || call.progressPhase === "ERROR");
  expect(finished.length).toBe(300 - 6);
  const table = "SELECT * EXCLUDE (_parley_load_id, _parley_loaded_at) FROM voicegain_calls ORDER BY call_id";
  const bulkRows = await queryDuckdb(databases.bulk, table);
  expect(bulkRows).toEqual(await queryDuckdb(databases.rows, table));
  // Every finished call but the crafted rejects, and none still being processed.
  expect(bulkRows.map((row) => Number(row.call_id))).toEqual(
    finished.map((call) => Number(call.callId)).filter((callId) => !crafted.slice(0, 5).includes(callId)),
  );
  const rejects = "SELECT stream, reason, payload FROM _parley_rejects ORDER BY reason";
  expect(await queryDuckdb(databases.bulk, rejects)).toEqual(await queryDuckdb(databases.rows, rejects));
  expect(bulk.stream?.rejects).toBe(5);
});
