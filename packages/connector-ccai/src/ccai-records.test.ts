import { describe, expect, test } from "vitest";
import { ccaiBaseUrl } from "./ccai-client.ts";
import { combineFilter, containsOr } from "./ccai-filter.ts";
import { mapConversation } from "./ccai-records.ts";

// vendor-apis §1.15, trimmed: channel 1 is the customer, 2 the agent; proto3 leaves out every default.
const example = {
  name: "projects/my-proj/locations/us-central1/conversations/c-0001",
  dataSource: { gcsSource: { audioUri: "gs://bkt/a.wav" } },
  createTime: "2024-05-03T09:00:00.123456Z",
  updateTime: "2024-05-03T09:05:10Z",
  startTime: "2024-05-03T08:10:01Z",
  agentId: "007",
  labels: { queue: "billing", vip: "" },
  callMetadata: { customerChannel: 1, agentChannel: 2 },
  medium: "PHONE_CALL",
  duration: "274.500s",
  turnCount: "18",
  futureField: { kept: true },
  latestAnalysis: {
    createTime: "2024-05-03T09:02:30Z",
    analysisResult: {
      callAnalysisMetadata: {
        sentiments: [
          { channelTag: 1, sentimentData: { magnitude: 2.1, score: -0.3 } },
          { channelTag: 2, sentimentData: { magnitude: 1.4 } },
        ],
        silence: { silenceDuration: "12.200s", silencePercentage: 0.044 },
        entities: { e1: { displayName: "Acme", type: "ORGANIZATION", salience: 0.12 } },
        issueModelResult: {
          issueModel: "projects/my-proj/locations/us-central1/issueModels/m1",
          issues: [
            {
              issue: "projects/my-proj/locations/us-central1/issueModels/m1/issues/x",
              score: 0.83,
              displayName: "Billing",
            },
          ],
        },
      },
    },
  },
};

// A chat: no callMetadata; the transcript names each speaker's role and channel (1 the customer, 2 the agent).
const chat = {
  name: "projects/my-proj/locations/us-central1/conversations/chat-0001",
  createTime: "2024-05-03T10:00:00Z",
  updateTime: "2024-05-03T10:05:00Z",
  medium: "CHAT",
  transcript: {
    transcriptSegments: [
      { text: "Hi, my card was charged twice", channelTag: 1, segmentParticipant: { role: "END_USER" } },
      { text: "Sorry about that, let me check", channelTag: 2, segmentParticipant: { role: "HUMAN_AGENT" } },
      { text: "Thanks", channelTag: 1, segmentParticipant: { role: "END_USER" } },
    ],
  },
  latestAnalysis: {
    createTime: "2024-05-03T10:02:00Z",
    analysisResult: {
      callAnalysisMetadata: {
        sentiments: [
          { channelTag: 1, sentimentData: { magnitude: 0.9, score: -0.6 } },
          { channelTag: 2, sentimentData: { magnitude: 0.5, score: 0.4 } },
        ],
      },
    },
  },
};

describe("mapConversation", () => {
  test("a chat's agent and client sentiment come from the channels its participant roles use", () => {
    const mapped = mapConversation(chat);
    expect(mapped.ok).toBe(true);
    if (!mapped.ok) return;
    expect(mapped.row).toMatchObject({
      medium: "CHAT",
      agentSentimentScore: 0.4,
      agentSentimentMagnitude: 0.5,
      clientSentimentScore: -0.6,
      clientSentimentMagnitude: 0.9,
    });
    // Roles that do not single out one channel each (here: everyone on channel 0) give no per-side sentiment.
    const untagged = structuredClone(chat);
    for (const segment of untagged.transcript.transcriptSegments) segment.channelTag = 0;
    const plain = mapConversation(untagged);
    expect(plain.ok && [plain.row.agentSentimentScore, plain.row.clientSentimentScore]).toEqual([null, null]);
  });

  test("maps proto3 JSON to the export's columns, defaults included", () => {
    const mapped = mapConversation(example);
    expect(mapped.ok).toBe(true);
    if (!mapped.ok) return;
    expect(mapped.row).toMatchObject({
      conversationName: example.name,
      audioFileUri: "gs://bkt/a.wav",
      agentId: "007",
      startTimestampUtc: Date.parse("2024-05-03T08:10:01Z") / 1000,
      loadTimestampUtc: Date.parse("2024-05-03T09:00:00Z") / 1000,
      conversationUpdateTimestampUtc: Date.parse("2024-05-03T09:05:10Z") / 1000,
      year: 2024,
      month: 5,
      day: 3,
      durationNanos: 274_500_000_000,
      turnCount: 18,
      silenceNanos: 12_200_000_000,
      silencePercentage: 0.044,
      agentSentimentScore: 0, // omitted because it is 0
      agentSentimentMagnitude: 1.4,
      clientSentimentScore: -0.3,
      clientSentimentMagnitude: 2.1,
      issues: [{ name: "Billing", score: 0.83, issueModelId: "m1", issueId: "x" }],
      entities: [
        {
          name: "Acme",
          type: "ORGANIZATION",
          sentimentScore: null,
          sentimentMagnitude: null,
          salience: 0.12,
          speakerTag: null,
        },
      ],
      labels: [
        { key: "queue", value: "billing" },
        { key: "vip", value: "" },
      ],
      languageCode: null,
      transcript: null,
      loadTimestamp: "2024-05-03T09:00:00.123456Z",
      agents: [],
    });
    expect((mapped.row.rawConversation as Record<string, unknown>).futureField).toEqual({ kept: true });
  });

  test("an unreadable field makes a reject that names it, keeping the update time", () => {
    const mapped = mapConversation({ ...example, duration: "4 minutes" });
    expect(mapped).toMatchObject({ ok: false, updateTime: { text: "2024-05-03T09:05:10Z" } });
    if (!mapped.ok) expect(mapped.reason).toContain('"duration"');
    expect(mapConversation({ ...example, updateTime: undefined })).toMatchObject({ ok: false });
  });
});

describe("filters and hosts", () => {
  test("OR outside quotes parenthesises the user's filter; a quoted OR does not", () => {
    expect(combineFilter('agent_id="A1" OR agent_id="A2"', ['update_time>"x"'])).toBe(
      '(agent_id="A1" OR agent_id="A2") update_time>"x"',
    );
    expect(containsOr('labels.queue="OR" medium="CHAT"')).toBe(false);
    expect(combineFilter(undefined, ['update_time<="y"'])).toBe('update_time<="y"');
  });

  test("us-central1 uses the global host, other locations their regional host, baseUrl wins", () => {
    expect(ccaiBaseUrl({ location: "us-central1" })).toBe("https://contactcenterinsights.googleapis.com");
    expect(ccaiBaseUrl({ location: "europe-west1" })).toBe("https://europe-west1-contactcenterinsights.googleapis.com");
    expect(ccaiBaseUrl({ location: "eu", baseUrl: "http://127.0.0.1:9/" })).toBe("http://127.0.0.1:9");
  });
});
