import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { callsStream, voicegainConfigSchema, voicegainSourceFactory } from "@parley/connector-voicegain";
import { createRecordValidator, type Sink, silentLogger, type TableTarget } from "@parley/core";
import { runSync } from "@parley/runner";
import { createVoicegainEmulator } from "@parley/sandbox/voicegain";
import { createDuckdbSink } from "@parley/sink-duckdb";
import { afterEach, describe, expect, test } from "vitest";
import { readViewSql } from "../support/view-sql.ts";

const viewsDirectory = resolve(import.meta.dirname, "../../sql/voicegain");
const target: TableTarget = { table: "voicegain_calls", stream: callsStream };
const validate = createRecordValidator(callsStream);

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function freshSink(): Promise<Sink> {
  const directory = await mkdtemp(join(tmpdir(), "parley-voicegain-views-"));
  const sink = createDuckdbSink({ path: join(directory, "views.duckdb") });
  cleanups.push(async () => {
    await sink.close();
    await rm(directory, { recursive: true, force: true });
  });
  return sink;
}

/** The view files DuckDB gets, in apply order: the `.duckdb.sql` variant where there is one, else the portable file. */
async function applyViews(sink: Sink): Promise<void> {
  const names = (await readdir(viewsDirectory)).filter((name) => name.endsWith(".sql")).sort();
  const chosen = new Map<string, string>();
  for (const name of names) {
    const [base, variant] = name.slice(0, -4).split(".") as [string, string | undefined];
    if (variant === "duckdb" || (variant === undefined && !chosen.has(base))) chosen.set(base, name);
  }
  for (const base of [...chosen.keys()].sort())
    await sink.execute(await readViewSql(join(viewsDirectory, chosen.get(base) as string)));
}

async function write(sink: Sink, loadId: string, records: Record<string, unknown>[]): Promise<void> {
  const rows = records.map((record) => {
    const validated = validate(record);
    if (!validated.ok) throw new Error(validated.reason);
    return validated.row;
  });
  await sink.writeBatch({
    loadId,
    loadedAt: "2024-05-03T00:00:00.000Z",
    source: "voicegain",
    target,
    rows,
    rejects: [],
  });
}

const marker = (type: string, time: number, note: string | null = null) => ({ time, type, note });

// Hand-made calls. c1-c4: 2024-05-01, queue Q1, agent A1. c5: same day, no queue, agent A2. c6-c7: 2024-05-02, Q1, A1.
const fixture: Record<string, unknown>[] = [
  {
    call_id: 101,
    start_time: "2024-05-01T09:00:00.000Z",
    queue_id: "Q1",
    agent_id: "A1",
    direction: "inbound",
    duration: 100,
    sentiment: 0.5,
    call_resolved: true,
    daily_repeat_calls: 0,
    score: 80,
    incidents: 2,
    progress_phase: "DONE",
    markers: [
      marker("CC_ANSWER", 1000),
      marker("WARM_TRANSFER_START", 60_000, "to Billing"),
      marker("WARM_TRANSFER_SUCCESS", 65_000),
    ],
    topics: ["Billing", "Refund"],
  },
  {
    call_id: 102,
    start_time: "2024-05-01T10:00:00.000Z",
    queue_id: "Q1",
    agent_id: "A1",
    direction: "inbound",
    duration: 200,
    sentiment: -0.25,
    call_resolved: false,
    daily_repeat_calls: 2,
    score: null,
    incidents: 0,
    progress_phase: "DONE",
    markers: [marker("CC_ANSWER", 900)],
    topics: ["Billing", "Billing"],
  },
  {
    call_id: 103,
    start_time: "2024-05-01T11:00:00.000Z",
    queue_id: "Q1",
    agent_id: "A1",
    direction: "outbound",
    duration: 300,
    sentiment: 0,
    call_resolved: null,
    daily_repeat_calls: 1,
    score: 90,
    incidents: 1,
    progress_phase: "DONE",
    markers: null,
    spawned_calls: [110],
    topics: ["Refund"],
  },
  {
    // ERROR: telephony facts only. A warm transfer that was started and abandoned is not a transfer.
    call_id: 104,
    start_time: "2024-05-01T23:59:59.000Z",
    queue_id: "Q1",
    agent_id: "A1",
    direction: "inbound",
    duration: 60,
    progress_phase: "ERROR",
    markers: [marker("WARM_TRANSFER_START", 10_000), marker("WARM_TRANSFER_ABANDON", 20_000)],
  },
  {
    // A leg launched by call 101: originating_call_id alone is not a transfer.
    call_id: 105,
    start_time: "2024-05-01T12:00:00.000Z",
    queue_id: null,
    agent_id: "A2",
    direction: "outbound",
    duration: 50,
    sentiment: 1,
    call_resolved: true,
    daily_repeat_calls: 0,
    score: 70,
    incidents: 4,
    progress_phase: "DONE",
    originating_call_id: 101,
    topics: ["Refund"],
  },
  {
    call_id: 106,
    start_time: "2024-05-02T00:00:01.000Z",
    queue_id: "Q1",
    agent_id: "A1",
    direction: "inbound",
    duration: 120,
    sentiment: -1,
    call_resolved: true,
    daily_repeat_calls: 0,
    score: null,
    incidents: 1,
    progress_phase: "DONE",
    markers: [
      marker("CC_AGENT_ANSWER", 5000),
      marker("HOLD", 30_000, "checking, one moment"),
      marker("UNHOLD", 40_000),
    ],
    topics: ["Billing"],
  },
  {
    call_id: 107,
    start_time: "2024-05-02T10:00:00.000Z",
    queue_id: "Q1",
    agent_id: "A1",
    direction: "inbound",
    duration: 180,
    sentiment: -0.5,
    call_resolved: false,
    daily_repeat_calls: 3,
    score: 60,
    incidents: 0,
    progress_phase: "DONE",
  },
];

describe("voicegain views (DuckDB)", () => {
  test("voicegain_call_metrics and voicegain_topics return the hand-worked numbers", async () => {
    const sink = await freshSink();
    await sink.prepare([target]);
    await write(sink, "load-1", fixture);
    // A QA review after export: the re-export merges on call_id (107's score 60 becomes 65; still one row).
    await write(sink, "load-2", [{ ...(fixture[6] as Record<string, unknown>), score: 65 }]);
    await applyViews(sink);

    const metrics = await sink.query(
      "SELECT CAST(call_date AS VARCHAR) AS day, queue_id, agent_id, calls, inbound_calls, outbound_calls, avg_duration_seconds, avg_sentiment, resolution_rate, repeat_call_rate, avg_qa_score, incidents_per_call, transfer_rate FROM voicegain_call_metrics ORDER BY day, queue_id NULLS LAST, agent_id",
    );
    expect(metrics).toHaveLength(3);
    const [d1q1, d1none, d2q1] = metrics as Record<string, unknown>[];
    // 2024-05-01, Q1, A1: calls 101-104 (104 at 23:59:59Z is still May 1 in UTC).
    //   inbound 101, 102, 104 = 3; outbound 103 = 1.
    //   avg duration (100 + 200 + 300 + 60) / 4 = 165.
    //   avg sentiment over 101-103 (104 has none): (0.5 - 0.25 + 0) / 3 = 0.083333...
    //   resolution: known for 101 (true), 102 (false) -> 1 / 2 = 0.5.
    //   repeat: known for 101 (0), 102 (2), 103 (1) -> 2 / 3.
    //   QA score: 101 (80), 103 (90) -> 85.
    //   incidents: 2 + 0 + 1 over 3 calls that have a count -> 1.
    //   transfers: 101 (WARM_TRANSFER_SUCCESS marker), 103 (spawned_calls [110]); 104 started one and abandoned -> 2 / 4 = 0.5.
    expect(d1q1).toMatchObject({
      day: "2024-05-01",
      queue_id: "Q1",
      agent_id: "A1",
      calls: 4,
      inbound_calls: 3,
      outbound_calls: 1,
      avg_duration_seconds: 165,
      resolution_rate: 0.5,
      avg_qa_score: 85,
      incidents_per_call: 1,
      transfer_rate: 0.5,
    });
    expect(d1q1?.avg_sentiment).toBeCloseTo(0.25 / 3, 12);
    expect(d1q1?.repeat_call_rate).toBeCloseTo(2 / 3, 12);
    // 2024-05-01, no queue, A2: call 105 alone. Resolved, not a repeat, its originating_call_id is not a transfer.
    expect(d1none).toEqual({
      day: "2024-05-01",
      queue_id: null,
      agent_id: "A2",
      calls: 1,
      inbound_calls: 0,
      outbound_calls: 1,
      avg_duration_seconds: 50,
      avg_sentiment: 1,
      resolution_rate: 1,
      repeat_call_rate: 0,
      avg_qa_score: 70,
      incidents_per_call: 4,
      transfer_rate: 0,
    });
    // 2024-05-02, Q1, A1: calls 106 (00:00:01Z) and 107 (re-exported once, score 65).
    //   avg duration (120 + 180) / 2 = 150; sentiment (-1 - 0.5) / 2 = -0.75; resolution 1 / 2; repeat (0, 3) -> 1 / 2;
    //   QA score 65 (106 has none); incidents (1 + 0) / 2 = 0.5; transfers: HOLD/UNHOLD only -> 0.
    expect(d2q1).toEqual({
      day: "2024-05-02",
      queue_id: "Q1",
      agent_id: "A1",
      calls: 2,
      inbound_calls: 2,
      outbound_calls: 0,
      avg_duration_seconds: 150,
      avg_sentiment: -0.75,
      resolution_rate: 0.5,
      repeat_call_rate: 0.5,
      avg_qa_score: 65,
      incidents_per_call: 0.5,
      transfer_rate: 0,
    });

    const topics = await sink.query(
      "SELECT CAST(call_date AS VARCHAR) AS day, topic, calls, avg_sentiment FROM voicegain_topics ORDER BY day, topic",
    );
    // May 1: Billing on 101 (0.5) and 102 (-0.25, listed twice, counted once) -> 2 calls, (0.5 - 0.25) / 2 = 0.125.
    //        Refund on 101 (0.5), 103 (0), 105 (1) -> 3 calls, 1.5 / 3 = 0.5.
    // May 2: Billing on 106 (-1) -> 1 call, -1. 107 has no topics; 104 (ERROR) has none.
    expect(topics).toEqual([
      { day: "2024-05-01", topic: "Billing", calls: 2, avg_sentiment: 0.125 },
      { day: "2024-05-01", topic: "Refund", calls: 3, avg_sentiment: 0.5 },
      { day: "2024-05-02", topic: "Billing", calls: 1, avg_sentiment: -1 },
    ]);
  });

  test("JSON and CSV syncs of the same emulator calls load identical tables, and the views agree", async () => {
    const voicegain = await createVoicegainEmulator({
      seed: 5,
      callCount: 600,
      inFlight: 2,
      rateLimits: false,
      profile: "2024-12",
      shuffleCsvColumns: true,
    });
    cleanups.push(() => voicegain.close());
    const load = async (format: "json" | "csv") => {
      const sink = await freshSink();
      const settings = {
        token: voicegain.token,
        fromTime: "2024-05-01T00:00:00Z",
        baseUrl: voicegain.apiUrl,
        format,
        perPage: 100,
        timeZone: "America/Chicago",
        rateLimit: false,
      };
      const source = voicegainSourceFactory.create(voicegainConfigSchema.parse(settings));
      const result = await runSync({
        sourceName: "voicegain",
        source,
        sink,
        tablePrefix: "voicegain",
        logger: silentLogger,
        batchRows: 250,
      });
      expect(result.status).toBe("succeeded");
      await applyViews(sink);
      const columns = callsStream.columns.map((column) => column.name).join(", ");
      return {
        rows: await sink.query(`SELECT ${columns} FROM voicegain_calls ORDER BY call_id`),
        metrics: await sink.query("SELECT * FROM voicegain_call_metrics ORDER BY call_date, queue_id, agent_id"),
        topics: await sink.query("SELECT * FROM voicegain_topics ORDER BY call_date, topic"),
      };
    };
    const json = await load("json");
    const csv = await load("csv");
    const exportable = voicegain
      .calls()
      .findIndex((call) => call.progressPhase !== "DONE" && call.progressPhase !== "ERROR");
    expect(json.rows).toHaveLength(exportable);
    expect(csv.rows).toEqual(json.rows);
    // DuckDB sums floats in parallel, in no fixed order: averages may differ in the last bits between two loads.
    const rounded = (rows: readonly Record<string, unknown>[]) =>
      rows.map((row) =>
        Object.fromEntries(
          Object.entries(row).map(([name, value]) => [
            name,
            typeof value === "number" ? Math.round(value * 1e9) / 1e9 : value,
          ]),
        ),
      );
    expect(rounded(csv.metrics)).toEqual(rounded(json.metrics));
    expect(rounded(csv.topics)).toEqual(rounded(json.topics));
    expect(json.topics.length).toBeGreaterThan(10);
  });
});
