import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createCcaiSource } from "@parley/connector-ccai";
import { createRecordValidator, type Sink, type StreamDefinition, silentLogger } from "@parley/core";
import { runSync } from "@parley/runner";
import { type CcaiEmulator, createCcaiEmulator, toCcaiBigQueryRow } from "@parley/sandbox/ccai";
import { createDuckdbSink } from "@parley/sink-duckdb";
import { afterEach, describe, expect, test } from "vitest";
import { readViewSql } from "../support/view-sql.ts";

const viewsDirectory = join(import.meta.dirname, "../../sql/ccai");
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function duckdb(): Promise<{ sink: Sink; directory: string }> {
  const directory = await mkdtemp(join(tmpdir(), "parley-ccai-views-"));
  const sink = createDuckdbSink({ path: join(directory, "views.duckdb") });
  cleanups.push(() => rm(directory, { recursive: true, force: true }));
  cleanups.push(() => sink.close());
  return { sink, directory };
}

/** The metric views as `parley views apply` picks them for DuckDB: the .duckdb.sql variant, else the portable file. */
async function applyMetricViews(sink: Sink): Promise<void> {
  const names = (await readdir(viewsDirectory)).filter((name) => name.endsWith(".sql")).sort();
  const bases = [...new Set(names.map((name) => name.split(".")[0] as string))];
  for (const base of bases) {
    const chosen = names.includes(`${base}.duckdb.sql`) ? `${base}.duckdb.sql` : `${base}.sql`;
    await sink.execute(await readViewSql(join(viewsDirectory, chosen)));
  }
}

async function applyExportViews(sink: Sink, staging: string): Promise<void> {
  for (const name of [staging, "02_ccai_conversations.sql"]) {
    await sink.execute(await readViewSql(join(viewsDirectory, "export", name)));
  }
}

const conversationsStream = createCcaiSource({ project: "views-test" }).streams[0] as StreamDefinition;

async function loadConversations(sink: Sink, records: Record<string, unknown>[]): Promise<void> {
  const target = { table: "ccai_conversations", stream: conversationsStream };
  const validate = createRecordValidator(conversationsStream);
  const rows = records.map((record) => {
    const result = validate(record);
    if (!result.ok) throw new Error(result.reason);
    return result.row;
  });
  await sink.prepare([target]);
  await sink.writeBatch({
    loadId: "fixture",
    loadedAt: "2024-06-01T00:00:00Z",
    source: "ccai",
    target,
    rows,
    rejects: [],
  });
}

const issue = (id: string, name: string) => ({ name, score: 0.9, issueModelId: "m1", issueId: id });
const seconds = (nanos: number) => nanos * 1_000_000_000;

// Six conversations whose metrics are worked out by hand below.
const fixtures = [
  // c1, c2, c3: 2024-05-01, agent A1, PHONE_CALL. c3 has no start time (its createTime decides the day), no analysis,
  // and no medium.
  {
    conversationName: "c1",
    agentId: "A1",
    medium: "PHONE_CALL",
    startTimestamp: "2024-05-01T10:00:00Z",
    loadTimestamp: "2024-05-01T10:30:00Z",
    turnCount: 10,
    durationNanos: seconds(120),
    clientSentimentScore: 0.5,
    agentSentimentScore: 0.2,
    silencePercentage: 0.1,
    issues: [issue("x", "Billing")],
  },
  {
    conversationName: "c2",
    agentId: "A1",
    medium: "PHONE_CALL",
    startTimestamp: "2024-05-01T23:30:00Z",
    loadTimestamp: "2024-05-02T00:30:00Z",
    turnCount: 20,
    durationNanos: 300_500_000_000,
    clientSentimentScore: -0.5,
    agentSentimentScore: 0.4,
    silencePercentage: 0.3,
    issues: [issue("x", "Billing"), issue("y", "Refund")],
  },
  {
    conversationName: "c3",
    agentId: "A1",
    // Google omitted the medium: MEDIUM_UNSPECIFIED, which Google treats (and the view reports) as PHONE_CALL.
    medium: "MEDIUM_UNSPECIFIED",
    startTimestamp: null,
    loadTimestamp: "2024-05-01T05:00:00Z",
    turnCount: 0,
    durationNanos: 0,
    clientSentimentScore: null,
    agentSentimentScore: null,
    silencePercentage: null,
    issues: [],
  },
  // c4: the next UTC day (00:10Z), same agent and medium.
  {
    conversationName: "c4",
    agentId: "A1",
    medium: "PHONE_CALL",
    startTimestamp: "2024-05-02T00:10:00Z",
    loadTimestamp: "2024-05-02T00:20:00Z",
    turnCount: 6,
    durationNanos: seconds(60),
    clientSentimentScore: 1,
    agentSentimentScore: 0,
    silencePercentage: 0,
    issues: [issue("x", "Billing")],
  },
  // c5: another agent, CHAT (its sentiments are what the connector derives for a chat from its transcript's
  // participant roles: ccai-records.test.ts); c6: mono audio (no channel sentiments) with no agent.
  {
    conversationName: "c5",
    agentId: "B2",
    medium: "CHAT",
    startTimestamp: "2024-05-01T12:00:00Z",
    loadTimestamp: "2024-05-01T12:10:00Z",
    turnCount: 8,
    durationNanos: seconds(90),
    clientSentimentScore: 0.3,
    agentSentimentScore: 0.1,
    silencePercentage: 0.2,
    issues: [issue("y", "Refund")],
  },
  {
    conversationName: "c6",
    agentId: null,
    medium: "PHONE_CALL",
    startTimestamp: "2024-05-01T08:00:00Z",
    loadTimestamp: "2024-05-01T08:05:00Z",
    turnCount: 4,
    durationNanos: seconds(30),
    clientSentimentScore: null,
    agentSentimentScore: null,
    silencePercentage: 0.5,
    issues: [issue("y", "Refund")],
  },
].map((row) => ({ ...row, conversationUpdateTimestamp: "2024-05-03T00:00:00Z" }));

describe("ccai views on DuckDB", () => {
  test("ccai_conversation_metrics and ccai_issue_metrics return the hand-worked values", async () => {
    const { sink } = await duckdb();
    await loadConversations(sink, fixtures);
    await applyMetricViews(sink);
    const metrics = await sink.query(
      "SELECT * FROM ccai_conversation_metrics ORDER BY conversation_date, agent_id NULLS LAST, medium",
    );
    expect(metrics).toEqual([
      // 05-01 A1 PHONE_CALL = c1, c2, c3: turns (10+20+0)/3 = 10; seconds (120+300.5+0)/3 = 140.1666…;
      // client (0.5-0.5)/2 = 0 and agent (0.2+0.4)/2 = 0.3 (c3 unanalysed, left out); silence (0.1+0.3)/2 = 0.2.
      {
        conversation_date: "2024-05-01",
        agent_id: "A1",
        medium: "PHONE_CALL",
        conversations: 3,
        avg_turn_count: 10,
        avg_duration_seconds: expect.closeTo(420.5 / 3, 9),
        avg_client_sentiment: 0,
        avg_agent_sentiment: expect.closeTo(0.3, 12),
        avg_silence_percentage: expect.closeTo(0.2, 12),
      },
      // 05-01 B2 CHAT = c5 alone.
      {
        conversation_date: "2024-05-01",
        agent_id: "B2",
        medium: "CHAT",
        conversations: 1,
        avg_turn_count: 8,
        avg_duration_seconds: 90,
        avg_client_sentiment: 0.3,
        avg_agent_sentiment: 0.1,
        avg_silence_percentage: 0.2,
      },
      // 05-01 no agent = c6: mono, so no channel sentiments at all (NULL, not 0).
      {
        conversation_date: "2024-05-01",
        agent_id: null,
        medium: "PHONE_CALL",
        conversations: 1,
        avg_turn_count: 4,
        avg_duration_seconds: 30,
        avg_client_sentiment: null,
        avg_agent_sentiment: null,
        avg_silence_percentage: 0.5,
      },
      // 05-02 A1 PHONE_CALL = c4 alone (c2 started 23:30Z on 05-01 although created on 05-02).
      {
        conversation_date: "2024-05-02",
        agent_id: "A1",
        medium: "PHONE_CALL",
        conversations: 1,
        avg_turn_count: 6,
        avg_duration_seconds: 60,
        avg_client_sentiment: 1,
        avg_agent_sentiment: 0,
        avg_silence_percentage: 0,
      },
    ]);
    const issues = await sink.query("SELECT * FROM ccai_issue_metrics ORDER BY conversation_date, issue_id");
    expect(issues).toEqual([
      // Billing on 05-01: c1, c2 -> client (0.5 - 0.5) / 2 = 0.
      {
        conversation_date: "2024-05-01",
        issue_model_id: "m1",
        issue_id: "x",
        issue_name: "Billing",
        conversations: 2,
        avg_client_sentiment: 0,
      },
      // Refund on 05-01: c2, c5, c6 -> 3 conversations; client (-0.5 + 0.3) / 2 = -0.1 (c6 has none).
      {
        conversation_date: "2024-05-01",
        issue_model_id: "m1",
        issue_id: "y",
        issue_name: "Refund",
        conversations: 3,
        avg_client_sentiment: expect.closeTo(-0.1, 12),
      },
      // Billing on 05-02: c4 -> 1.
      {
        conversation_date: "2024-05-02",
        issue_model_id: "m1",
        issue_id: "x",
        issue_name: "Billing",
        conversations: 1,
        avg_client_sentiment: 1,
      },
    ]);
  });
});

describe("ccai views over the pull path and the native export", () => {
  const token = "ccai-views-token";

  async function emulator(options: { agentIdMismatchEvery?: number } = {}): Promise<CcaiEmulator> {
    const started = await createCcaiEmulator({
      seed: 11,
      conversations: 150,
      clock: "frozen",
      clockStart: "2024-06-01T00:00:00Z",
      tokens: [token],
      ...options,
    });
    cleanups.push(() => started.close());
    return started;
  }

  async function pull(ccai: CcaiEmulator, sink: Sink) {
    const source = createCcaiSource({ project: "parley-sandbox", baseUrl: ccai.url, accessToken: token, pageSize: 40 });
    const result = await runSync({
      sourceName: "ccai",
      source,
      sink,
      tablePrefix: "ccai",
      logger: silentLogger,
      now: () => ccai.clock.now(),
    });
    if (result.status !== "succeeded") throw result.error;
    return result;
  }

  const metricsOf = async (sink: Sink) => {
    const round = (rows: readonly Record<string, unknown>[]) =>
      rows.map((row) =>
        Object.fromEntries(
          Object.entries(row).map(([key, value]) => [
            key,
            typeof value === "number" ? Math.round(value * 1e9) / 1e9 : value,
          ]),
        ),
      );
    return {
      conversations: round(
        await sink.query(
          "SELECT * FROM ccai_conversation_metrics ORDER BY conversation_date, agent_id NULLS LAST, medium",
        ),
      ),
      issues: round(
        await sink.query("SELECT * FROM ccai_issue_metrics ORDER BY conversation_date, issue_model_id, issue_id"),
      ),
    };
  };

  async function loadExport(sink: Sink, directory: string, rows: readonly object[]): Promise<void> {
    const path = join(directory, "export.ndjson");
    await writeFile(path, rows.map((row) => JSON.stringify(row)).join("\n"));
    await sink.execute(
      `CREATE TABLE ccai_export AS SELECT * FROM read_json('${path}', format = 'newline_delimited', sample_size = -1)`,
    );
  }

  test("the staging views over V4 and V3 export rows give the same metrics as the pull path", async () => {
    const ccai = await emulator();
    const pulled = await duckdb();
    await pull(ccai, pulled.sink);
    await applyMetricViews(pulled.sink);
    const expected = await metricsOf(pulled.sink);
    expect(expected.conversations.reduce((sum, row) => sum + Number(row.conversations), 0)).toBe(150);
    // Chats have no callMetadata; their agent and client sentiment come from the transcript's participant roles.
    const chats = expected.conversations.filter((row) => row.medium === "CHAT");
    expect(chats.length).toBeGreaterThan(0);
    expect(chats.some((row) => row.avg_agent_sentiment !== null && row.avg_client_sentiment !== null)).toBe(true);
    expect(expected.issues.length).toBeGreaterThan(0);

    for (const [schema, staging] of [
      ["v4", "01_ccai_export_conversations.duckdb.sql"],
      ["v3", "01_ccai_export_conversations_v3.duckdb.sql"],
    ] as const) {
      const exported = await duckdb();
      const rows = ccai
        .conversations()
        .map((conversation) => toCcaiBigQueryRow(ccai.conversation(conversation.id), ccai.parent, schema));
      await loadExport(exported.sink, exported.directory, rows);
      await applyExportViews(exported.sink, staging);
      await applyMetricViews(exported.sink);
      expect(await metricsOf(exported.sink), schema).toEqual(expected);
    }
  });

  test("one agent rule: where agentId and agentInfo[0] differ, the pull path and a V4 export agree (agents[0])", async () => {
    const ccai = await emulator({ agentIdMismatchEvery: 3 });
    const differing = ccai
      .conversations()
      .filter((conversation) => conversation.agentId !== (conversation.qualityMetadata.agentInfo[0]?.agentId ?? ""));
    expect(differing.length).toBeGreaterThan(10);
    const pulled = await duckdb();
    await pull(ccai, pulled.sink);
    await applyMetricViews(pulled.sink);
    const expected = await metricsOf(pulled.sink);
    expect(expected.conversations.some((row) => String(row.agent_id).startsWith("crm-"))).toBe(false);

    const exported = await duckdb();
    const rows = ccai
      .conversations()
      .map((conversation) => toCcaiBigQueryRow(ccai.conversation(conversation.id), ccai.parent, "v4"));
    await loadExport(exported.sink, exported.directory, rows);
    await applyExportViews(exported.sink, "01_ccai_export_conversations.duckdb.sql");
    await applyMetricViews(exported.sink);
    expect(await metricsOf(exported.sink)).toEqual(expected);
  });

  test.each([
    ["v4", "01_ccai_export_conversations.duckdb.sql"],
    ["v3", "01_ccai_export_conversations_v3.duckdb.sql"],
  ] as const)(
    "%s export appended twice, with an older copy of one conversation: one row per conversationName, the latest",
    async (schema, staging) => {
      const ccai = await emulator();
      const pulled = await duckdb();
      await pull(ccai, pulled.sink);
      await applyMetricViews(pulled.sink);
      const expected = await metricsOf(pulled.sink);

      const rows = ccai
        .conversations()
        .map((conversation) => toCcaiBigQueryRow(ccai.conversation(conversation.id), ccai.parent, schema));
      // An older export of the first analysed conversation: earlier times, another sentiment.
      const latest = rows.find((row) => row.analysisTimestampUtc !== null && row.analysisTimestampUtc !== undefined);
      const older = {
        ...latest,
        conversationUpdateTimestampUtc:
          latest?.conversationUpdateTimestampUtc === undefined
            ? undefined
            : Number(latest.conversationUpdateTimestampUtc) - 3600,
        analysisTimestampUtc: Number(latest?.analysisTimestampUtc) - 3600,
        clientSentimentScore: -0.99,
      };
      const exported = await duckdb();
      await loadExport(exported.sink, exported.directory, [older, ...rows, ...rows]);
      await applyExportViews(exported.sink, staging);
      await applyMetricViews(exported.sink);
      expect(
        await exported.sink.query(
          'SELECT COUNT(*) AS n, COUNT(DISTINCT "conversationName") AS names FROM ccai_conversations',
        ),
      ).toEqual([{ n: 150, names: 150 }]);
      expect(await metricsOf(exported.sink)).toEqual(expected);
    },
  );

  test("a conversation re-analysed between runs is updated in place", async () => {
    const ccai = await emulator();
    const { sink } = await duckdb();
    await pull(ccai, sink);
    const target = ccai.conversations().find((item) => item.callMetadata !== undefined && item.analyses.length === 1);
    const name = `${ccai.parent}/conversations/${target?.id}`;
    ccai.reanalyze(name);
    ccai.clock.advance(600_000);
    const second = await pull(ccai, sink);
    expect(second.streams[0]?.records).toBe(1);
    const expected = toCcaiBigQueryRow(ccai.conversation(name), ccai.parent, "v4");
    const rows = await sink.query(
      `SELECT COUNT(*) AS n, COUNT(DISTINCT "conversationName") AS names, MAX(CASE WHEN "conversationName" = '${name}' THEN "clientSentimentScore" END) AS client, MAX(CASE WHEN "conversationName" = '${name}' THEN "analysisTimestampUtc" END) AS analysed FROM ccai_conversations`,
    );
    expect(rows).toEqual([
      { n: 150, names: 150, client: expected.clientSentimentScore, analysed: expected.analysisTimestampUtc },
    ]);
  });
});
