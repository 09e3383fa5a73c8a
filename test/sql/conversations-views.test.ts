import { resolve } from "node:path";
import { createCcaiSource } from "@parley/connector-ccai";
import { conversationsStream as ultimateStream } from "@parley/connector-ultimate";
import { callsStream } from "@parley/connector-voicegain";
import { createRecordValidator, type Sink, type StreamDefinition } from "@parley/core";
import { conversationColumns, listViewFiles, unionStatement } from "@parley/runner";
import { createDuckdbSink } from "@parley/sink-duckdb";
import { Parser } from "node-sql-parser";
import { afterEach, describe, expect, test } from "vitest";
import { parley, workspace } from "../support/cli-harness.ts";
import { offlineSources } from "../support/offline-sources.ts";
import { freshPostgresSchema, postgresUrl } from "../support/postgres-schema.ts";
import { alignTo } from "../support/view-parity.ts";

const ccaiStream = createCcaiSource({ project: "views-test" }).streams[0] as StreamDefinition;
type Row = Record<string, unknown>;

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** One vendor's hand-made rows, loaded by one run of a source with this config name. */
interface VendorFixture {
  readonly table: string;
  readonly stream: StreamDefinition;
  readonly sourceName: string;
  readonly rows: readonly Row[];
}

const ccai: VendorFixture = {
  table: "ccai_conversations",
  stream: ccaiStream,
  sourceName: "insights",
  rows: [
    {
      conversationName: "projects/p/locations/l/conversations/c1",
      medium: "PHONE_CALL",
      startTimestamp: "2024-05-01T09:00:00.000Z",
      loadTimestamp: "2024-05-01T10:00:00.000Z",
      durationNanos: 90_500_000_000,
      agentId: "A1",
      languageCode: "en-US",
      clientSentimentScore: 0.4,
      turnCount: 12,
    },
    {
      // No start time (day from createTime), no duration (Google omits 0), no analysis.
      conversationName: "projects/p/locations/l/conversations/c2",
      medium: "CHAT",
      startTimestamp: null,
      loadTimestamp: "2024-05-01T23:30:00.000Z",
      durationNanos: 0,
      languageCode: "en-US",
      turnCount: 0,
    },
  ],
};

const ultimate: VendorFixture = {
  table: "ultimate_conversations",
  stream: ultimateStream,
  sourceName: "support",
  rows: [
    {
      bot_id: "b1",
      conversation_id: "u1",
      channel: "chat",
      conversation_start_time: "2024-05-01T08:00:00.000Z",
      conversation_end_time: "2024-05-01T08:05:30.000Z",
      language: "eng",
      conversation_status: "botHandled",
      last_resolution: "informed",
    },
    {
      bot_id: "b1",
      conversation_id: "u2",
      channel: "messaging",
      conversation_start_time: "2024-05-01T12:00:00.000Z",
      conversation_end_time: "2024-05-01T12:10:00.000Z",
      language: "eng",
      conversation_status: "agent",
      last_resolution: "escalated",
    },
    {
      bot_id: "b1",
      conversation_id: "u3",
      channel: "email",
      conversation_start_time: "2024-05-02T01:00:00.000Z",
      conversation_end_time: "2024-05-02T04:00:00.000Z",
      language: "deu",
      conversation_status: "failedEscalation",
      last_resolution: null,
    },
    {
      // The same conversation id under another bot: still its own conversation.
      bot_id: "b2",
      conversation_id: "u1",
      channel: "ticket",
      conversation_start_time: "2024-05-02T09:00:00.000Z",
      conversation_end_time: "2024-05-02T09:01:00.000Z",
      conversation_status: null,
      last_resolution: "undefined",
    },
  ],
};

const voicegain: VendorFixture = {
  table: "voicegain_calls",
  stream: callsStream,
  sourceName: "calls",
  rows: [
    {
      call_id: 101,
      start_time: "2024-05-01T09:30:00.000Z",
      end_time: "2024-05-01T09:32:00.000Z",
      duration: 120,
      agent_id: "A7",
      queue_id: "Q1",
      language: "en-us",
      markers: [{ time: 1000, type: "WARM_TRANSFER_SUCCESS", note: null }],
      call_resolved: true,
      sentiment: -0.5,
    },
    {
      call_id: 102,
      start_time: "2024-05-02T00:30:00.000Z",
      end_time: "2024-05-02T00:31:00.000Z",
      duration: 60,
      call_resolved: null,
      sentiment: 0.2,
    },
  ],
};

async function load(sink: Sink, fixture: VendorFixture, loadId: string): Promise<void> {
  const validate = createRecordValidator(fixture.stream);
  const rows = fixture.rows.map((record) => {
    const result = validate(record);
    if (!result.ok) throw new Error(result.reason);
    return result.row;
  });
  const target = { table: fixture.table, stream: fixture.stream };
  const startedAt = "2024-06-01T00:00:00.000Z";
  await sink.prepare([target]);
  await sink.startLoad({ loadId, source: fixture.sourceName, startedAt });
  await sink.writeBatch({ loadId, loadedAt: startedAt, source: fixture.sourceName, target, rows, rejects: [] });
  await sink.finishLoad({
    loadId,
    source: fixture.sourceName,
    startedAt,
    finishedAt: startedAt,
    status: "succeeded",
    streams: [],
    error: null,
  });
}

const nulls = Object.fromEntries(conversationColumns.map((column) => [column, null]));
const conversation = (values: Row): Row => ({ ...nulls, ...values });

// Worked by hand from the fixtures and the mapping in sql/README.md. Days are UTC days (the default zone).
const expectedConversations: Row[] = [
  conversation({
    source_type: "ccai",
    source_name: "insights",
    conversation_id: "ccai:projects/p/locations/l/conversations/c1",
    channel: "voice",
    started_at: "2024-05-01T09:00:00Z",
    ended_at: "2024-05-01T09:01:30.5Z",
    duration_seconds: 90.5,
    day: "2024-05-01",
    agent_id: "A1",
    language: "en-US",
    customer_sentiment: 0.4,
    turns: 12,
    ccai_conversation_name: "projects/p/locations/l/conversations/c1",
  }),
  conversation({
    source_type: "ccai",
    source_name: "insights",
    conversation_id: "ccai:projects/p/locations/l/conversations/c2",
    channel: "chat",
    day: "2024-05-01",
    language: "en-US",
    turns: 0,
    ccai_conversation_name: "projects/p/locations/l/conversations/c2",
  }),
  ...[
    ["b1", "u1", "chat", "2024-05-01T08:00:00Z", "2024-05-01T08:05:30Z", 330, "eng", true, false, true],
    ["b1", "u2", "chat", "2024-05-01T12:00:00Z", "2024-05-01T12:10:00Z", 600, "eng", false, true, false],
    ["b1", "u3", "email", "2024-05-02T01:00:00Z", "2024-05-02T04:00:00Z", 10_800, "deu", false, false, null],
    ["b2", "u1", "email", "2024-05-02T09:00:00Z", "2024-05-02T09:01:00Z", 60, null, null, null, null],
  ].map(([bot, id, channel, startedAt, endedAt, duration, language, botOnly, escalated, resolved]) =>
    conversation({
      source_type: "ultimate",
      source_name: "support",
      conversation_id: `ultimate:${bot}:${id}`,
      channel,
      started_at: startedAt,
      ended_at: endedAt,
      duration_seconds: duration,
      day: (startedAt as string).slice(0, 10),
      queue_or_bot: bot,
      language,
      handled_by_bot_only: botOnly,
      escalated,
      resolved,
      ultimate_bot_id: bot,
      ultimate_conversation_id: id,
    }),
  ),
  conversation({
    source_type: "voicegain",
    source_name: "calls",
    conversation_id: "voicegain:101",
    channel: "voice",
    started_at: "2024-05-01T09:30:00Z",
    ended_at: "2024-05-01T09:32:00Z",
    duration_seconds: 120,
    day: "2024-05-01",
    agent_id: "A7",
    queue_or_bot: "Q1",
    language: "en-us",
    transferred: true,
    resolved: true,
    customer_sentiment: -0.5,
    voicegain_call_id: 101,
  }),
  conversation({
    source_type: "voicegain",
    source_name: "calls",
    conversation_id: "voicegain:102",
    channel: "voice",
    started_at: "2024-05-02T00:30:00Z",
    ended_at: "2024-05-02T00:31:00Z",
    duration_seconds: 60,
    day: "2024-05-02",
    transferred: false,
    customer_sentiment: 0.2,
    voicegain_call_id: 102,
  }),
];

const metric = (day: string, channel: string, contacts: number, rates: (number | null)[]): Row => {
  const [containment, escalation, transfer, resolution, handleTime, sentiment] = rates;
  return {
    day,
    channel,
    contacts,
    bot_containment_rate: containment,
    escalation_rate: escalation,
    transfer_rate: transfer,
    resolution_rate: resolution,
    avg_handle_time_seconds: handleTime,
    avg_customer_sentiment: sentiment,
  };
};

const expectedMetrics: Row[] = [
  // chat: c2 (no outcomes, no duration), u1 (bot only, resolved), u2 (escalated, not resolved).
  metric("2024-05-01", "chat", 3, [1 / 2, 1 / 2, null, 1 / 2, (330 + 600) / 2, null]),
  // voice: c1 (90.5 s, 0.4) and call 101 (transferred, resolved, 120 s, -0.5).
  metric("2024-05-01", "voice", 2, [null, null, 1, 1, (90.5 + 120) / 2, (0.4 - 0.5) / 2]),
  // email: u3 (failedEscalation: neither bot-handled nor escalated) and b2/u1 (no status, no resolution).
  metric("2024-05-02", "email", 2, [0, 0, null, null, (10_800 + 60) / 2, null]),
  metric("2024-05-02", "voice", 1, [null, null, 0, null, 60, 0.2]),
];

/** A DuckDB file and a PostgreSQL schema to load; `apply` runs `parley views apply` on both and reopens DuckDB. */
async function sinks(prefix: string): Promise<{
  duckdb: Sink;
  postgres: Sink;
  apply: (...options: string[]) => Promise<{ outputs: string[]; duckdb: Sink }>;
}> {
  const space = await workspace();
  cleanups.push(space.cleanup);
  const postgres = freshPostgresSchema(prefix);
  cleanups.push(postgres.drop);
  const duckdb = createDuckdbSink({ path: space.databasePath });
  cleanups.push(() => duckdb.close());
  const apply = async (...options: string[]) => {
    await duckdb.close();
    const outputs: string[] = [];
    for (const [name, sink] of Object.entries({
      duckdb: { type: "duckdb", path: space.databasePath },
      postgres: { type: "postgres", url: postgresUrl, schema: postgres.schema },
    })) {
      const config = await space.writeConfig({ sink, sources: offlineSources }, `${name}.yaml`);
      const applied = await parley(["views", "apply", "-c", config, ...options]);
      expect(applied.code, `${name}: ${applied.stderr}`).toBe(0);
      outputs.push(applied.stdout);
    }
    const reopened = createDuckdbSink({ path: space.databasePath });
    cleanups.push(() => reopened.close());
    return { outputs, duckdb: reopened };
  };
  return { duckdb, postgres: postgres.sink, apply };
}

const query = (sink: Sink, sql: string) => sink.query(sql) as Promise<Row[]>;

describe("conversations and conversation_metrics (DuckDB and PostgreSQL)", () => {
  test("all three vendors: the hand-worked rows, identical on both sinks", async () => {
    const { duckdb, postgres, apply } = await sinks("conversations_all");
    for (const sink of [duckdb, postgres])
      for (const [index, fixture] of [ccai, ultimate, voicegain].entries()) await load(sink, fixture, `load-${index}`);
    const { outputs, duckdb: reopened } = await apply();
    for (const stdout of outputs) expect(stdout).not.toContain("left out");
    for (const [name, sink] of Object.entries({ duckdb: reopened, postgres })) {
      const rows = await query(sink, "SELECT * FROM conversations ORDER BY conversation_id");
      expect(Object.keys(rows[0] ?? {}), `${name}: columns`).toEqual([...conversationColumns]);
      expect(alignTo(rows, expectedConversations), `${name}: conversations`).toEqual(expectedConversations);
      const metrics = await query(sink, "SELECT * FROM conversation_metrics ORDER BY day, channel");
      expect(alignTo(metrics, expectedMetrics), `${name}: conversation_metrics`).toEqual(expectedMetrics);
    }
  });

  test("a sink holding one vendor: the union covers it and `views apply` says which vendors it left out", async () => {
    const { duckdb, postgres, apply } = await sinks("conversations_one");
    for (const sink of [duckdb, postgres]) await load(sink, ultimate, "load-ultimate");
    const { outputs, duckdb: reopened } = await apply();
    for (const stdout of outputs) {
      expect(stdout).toContain("conversations: left out ccai (the sink has no ccai_conversations)");
      expect(stdout).toContain("conversations: left out voicegain (the sink has no voicegain_calls)");
      expect(stdout).not.toContain("left out ultimate");
    }
    const onlyUltimate = expectedConversations.filter((row) => row.source_type === "ultimate");
    for (const [name, sink] of Object.entries({ duckdb: reopened, postgres })) {
      const rows = await query(sink, "SELECT * FROM conversations ORDER BY conversation_id");
      expect(alignTo(rows, onlyUltimate), name).toEqual(onlyUltimate);
    }
  });
});

test("days follow the reporting time zone given to `views apply`, on both sinks", async () => {
  const { duckdb, postgres, apply } = await sinks("conversations_zone");
  for (const sink of [duckdb, postgres])
    for (const [index, fixture] of [ccai, ultimate, voicegain].entries()) await load(sink, fixture, `load-${index}`);
  const { duckdb: reopened } = await apply("--reporting-time-zone", "America/New_York");
  // New York is UTC-4 in May: b1/u3 (01:00Z) and call 102 (00:30Z) started on May 1 there; c2 has no start, its
  // createTime 23:30Z is 19:30 on May 1.
  const expected = expectedConversations.map((row) => ({
    conversation_id: row.conversation_id,
    day: ["ultimate:b1:u3", "voicegain:102"].includes(row.conversation_id as string) ? "2024-05-01" : row.day,
  }));
  for (const [name, sink] of Object.entries({ duckdb: reopened, postgres }))
    expect(await query(sink, "SELECT conversation_id, day FROM conversations ORDER BY conversation_id"), name).toEqual(
      expected,
    );
});

describe("conversations on BigQuery: what `parley views apply` would send parses as GoogleSQL", () => {
  const bigquery = new Parser();
  const directory = resolve(import.meta.dirname, "../../sql");
  const parse = (sql: string) => bigquery.astify(sql, { database: "BigQuery" });

  test("each vendor part, the union of all three and conversation_metrics", async () => {
    const files = await listViewFiles(directory, "bigquery", ["conversations"]);
    expect(files.map((file) => file.path.split("/").at(-1))).toEqual([
      "01_conversations_ccai.bigquery.sql",
      "02_conversations_ultimate.bigquery.sql",
      "03_conversations_voicegain.bigquery.sql",
      "10_conversation_metrics.sql",
    ]);
    const zoned = (sql: string) => sql.replaceAll("'__PARLEY_REPORTING_TIME_ZONE__'", "'Europe/Berlin'");
    for (const file of files) expect(() => parse(zoned(file.sql)), file.path).not.toThrow();
    const union = unionStatement(["conversations_ccai", "conversations_ultimate", "conversations_voicegain"]);
    expect(() => parse(union)).not.toThrow();
  });
});
