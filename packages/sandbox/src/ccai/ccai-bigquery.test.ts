import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CcaiEmulator, createCcaiEmulator, toCcaiBigQueryRow } from "./index.ts";

const headers = { authorization: "Bearer test-token" };
let emulator: CcaiEmulator;

beforeAll(async () => {
  emulator = await createCcaiEmulator({ seed: 5, conversations: 120, clock: "frozen" });
});
afterAll(() => emulator.close());

describe("BigQuery export rows", () => {
  it("picks agent and client sentiments by the call's channels", () => {
    const swapped = emulator
      .conversations()
      .find((record) => record.callMetadata?.agentChannel === 1 && record.analyses.length > 0);
    const usual = emulator
      .conversations()
      .find((record) => record.callMetadata?.agentChannel === 2 && record.analyses.length > 0);
    for (const record of [swapped, usual]) {
      const full = emulator.conversation(record?.id ?? "");
      const row = toCcaiBigQueryRow(full, emulator.parent);
      const sentiments = full.analyses.at(-1)?.sentiments ?? [];
      const agent = sentiments.find((item) => item.channelTag === full.callMetadata?.agentChannel)?.sentiment;
      const client = sentiments.find((item) => item.channelTag === full.callMetadata?.customerChannel)?.sentiment;
      expect([row.agentSentimentScore, row.agentSentimentMagnitude]).toEqual([agent?.score, agent?.magnitude]);
      expect([row.clientSentimentScore, row.clientSentimentMagnitude]).toEqual([client?.score, client?.magnitude]);
    }
  });

  it("turns durations into nanoseconds, times into epoch seconds and maps into key/value records", () => {
    const record = emulator
      .conversations()
      .find((item) => item.analyses.length > 0 && item.startTimeMicros > 0 && Object.keys(item.labels).length > 1);
    const full = emulator.conversation(record?.id ?? "");
    const row = toCcaiBigQueryRow(full, emulator.parent);
    expect(row.conversationName).toBe(`${emulator.parent}/conversations/${full.id}`);
    expect(row.durationNanos).toBe(full.durationMs * 1_000_000);
    expect(row.loadTimestampUtc).toBe(Math.floor(full.createTimeMicros / 1_000_000));
    expect(row.startTimestampUtc).toBe(Math.floor(full.startTimeMicros / 1_000_000));
    expect(row.analysisTimestampUtc).toBe(Math.floor((full.analyses.at(-1)?.createTimeMicros ?? 0) / 1_000_000));
    expect(row.silenceNanos).toBe((full.analyses.at(-1)?.silence.durationMs ?? 0) * 1_000_000);
    const load = new Date((row.loadTimestampUtc ?? 0) * 1000);
    expect([row.year, row.month, row.day]).toEqual([load.getUTCFullYear(), load.getUTCMonth() + 1, load.getUTCDate()]);
    expect(row.labels).toEqual(
      Object.entries(full.labels)
        .sort(([left], [right]) => left.localeCompare(right))
        .map(([key, value]) => ({ key, value })),
    );
    expect(row.sentences).toHaveLength(full.turnCount);
    expect(row.words).toHaveLength(full.transcript.reduce((sum, segment) => sum + segment.words.length, 0));
    expect(row.issues.map((issue) => issue.issueId)).toEqual(
      full.analyses.at(-1)?.issueModelResult?.issues.map((issue) => issue.issueId) ?? [],
    );
  });

  it("leaves analysis columns null for an unanalysed conversation", () => {
    const record = emulator.conversations().find((item) => item.analyses.length === 0);
    const row = toCcaiBigQueryRow(emulator.conversation(record?.id ?? ""), emulator.parent);
    expect(row).toMatchObject({
      analysisTimestampUtc: null,
      silenceNanos: null,
      agentSentimentScore: null,
      issues: [],
      entities: [],
    });
  });

  it("V3 keeps agentId; V4 and later drop it and add conversationUpdateTimestampUtc and agents", () => {
    const record = emulator.conversations().find((item) => item.qualityMetadata.agentInfo.length > 0);
    const full = emulator.conversation(record?.id ?? "");
    const v3 = toCcaiBigQueryRow(full, emulator.parent, "v3");
    const v4 = toCcaiBigQueryRow(full, emulator.parent, "v4");
    expect(v3.agentId).toBe(full.agentId);
    expect(v3).not.toHaveProperty("agents");
    expect(v4).not.toHaveProperty("agentId");
    expect(v4.conversationUpdateTimestampUtc).toBe(Math.floor(full.updateTimeMicros / 1_000_000));
    expect(v4.agents).toEqual([
      {
        agentId: full.agentId,
        agentDisplayName: full.qualityMetadata.agentInfo[0]?.displayName,
        agentTeam: full.qualityMetadata.agentInfo[0]?.team,
      },
    ]);
  });

  it("yields the rows of an export's filter in the schema its request asked for", async () => {
    const response = await fetch(`${emulator.url}/v1/${emulator.parent}/insightsdata:export`, {
      method: "POST",
      headers,
      body: JSON.stringify({
        bigQueryDestination: { dataset: "d", table: "t" },
        filter: 'medium="CHAT"',
        exportSchemaVersion: "EXPORT_V9",
      }),
    });
    const { name } = (await response.json()) as { name: string };
    const rows = [...emulator.exportedRows(name)];
    const chats = emulator.conversations().filter((record) => record.medium === "CHAT");
    expect(rows.map((row) => row.conversationName)).toEqual(
      chats.map((record) => `${emulator.parent}/conversations/${record.id}`),
    );
    expect(rows.every((row) => row.medium === "CHAT" && "agents" in row && !("agentId" in row))).toBe(true);
    expect(
      rows.every((row) =>
        row.sentences.every((sentence) => sentence.createTimeNanos !== null && sentence.startOffsetNanos === null),
      ),
    ).toBe(true);
  });
});
