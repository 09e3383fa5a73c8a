import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CcaiEmulator, createCcaiEmulator, formatDuration, formatTimestamp } from "./index.ts";

const headers = { authorization: "Bearer test-token" };
let emulator: CcaiEmulator;
let conversations: Record<string, unknown>[];

/** Every value that proto3 JSON would have dropped, with its path. */
function defaults(value: unknown, path: string, found: string[]): string[] {
  if (Array.isArray(value)) {
    if (value.length === 0) found.push(path);
    for (const [index, item] of value.entries()) defaults(item, `${path}[${index}]`, found);
  } else if (value !== null && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) defaults(item, `${path}.${key}`, found);
  } else if (value === 0 || value === "" || value === false || value === null) {
    // word_index is a oneof member: presence is tracked, so 0 is written (vendor-apis §1.10).
    // Map entries are always written, even with an empty value.
    if (!path.endsWith(".wordIndex") && !path.includes(".labels.")) found.push(path);
  }
  return found;
}

beforeAll(async () => {
  emulator = await createCcaiEmulator({ seed: 7, conversations: 300, clock: "frozen" });
  const response = await fetch(`${emulator.url}/v1/${emulator.parent}/conversations?pageSize=1000&view=FULL`, {
    headers,
  });
  conversations = ((await response.json()) as { conversations: Record<string, unknown>[] }).conversations;
});
afterAll(() => emulator.close());

describe("proto3 JSON encoding", () => {
  it("never writes a default scalar, an empty list or a null", () => {
    expect(conversations).toHaveLength(300);
    expect(defaults(conversations, "", [])).toEqual([]);
  });

  it("omits zero-valued fields that the records hold", () => {
    const byId = new Map(conversations.map((item) => [String(item.name).split("/").at(-1), item]));
    const records = emulator.conversations();
    const unrated = records.find(
      (record) =>
        record.qualityMetadata.customerSatisfactionRating === 0 && record.qualityMetadata.agentInfo.length > 0,
    );
    const mono = records.find(
      (record) => record.callMetadata === undefined && record.medium !== "CHAT" && record.turnCount > 0,
    );
    const empty = records.find((record) => record.turnCount === 0);
    const unspecified = records.find((record) => record.medium === "MEDIUM_UNSPECIFIED");
    const unanalysed = records.find((record) => record.analyses.length === 0);
    expect(unrated && mono && empty && unspecified && unanalysed).toBeTruthy();
    expect(byId.get(unrated?.id)).toHaveProperty("qualityMetadata");
    expect(byId.get(unrated?.id)).not.toHaveProperty("qualityMetadata.customerSatisfactionRating");
    const monoJson = byId.get(mono?.id) as { transcript: { transcriptSegments: object[] } };
    expect(monoJson).not.toHaveProperty("callMetadata");
    expect(monoJson.transcript.transcriptSegments.every((segment) => !("channelTag" in segment))).toBe(true);
    expect(byId.get(empty?.id)).not.toHaveProperty("turnCount");
    expect(byId.get(empty?.id)).toHaveProperty("transcript", {});
    expect(byId.get(unspecified?.id)).not.toHaveProperty("medium");
    expect(byId.get(unanalysed?.id)).not.toHaveProperty("latestAnalysis");
  });

  it("writes durations as seconds strings and timestamps as RFC 3339 UTC", () => {
    const durations = conversations.map((item) => item.duration).filter((value) => value !== undefined);
    expect(durations.length).toBeGreaterThan(200);
    for (const value of durations) expect(value).toMatch(/^\d+(\.\d{3})?s$/);
    expect(durations.some((value) => /^\d+s$/.test(String(value)))).toBe(true);
    for (const item of conversations) {
      expect(item.createTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3}|\.\d{6})?Z$/);
    }
    const fractions = new Set(conversations.map((item) => String(item.createTime).split(".")[1]?.length ?? 0));
    expect([...fractions].sort()).toEqual([0, 4, 7]);
    expect(formatDuration(274_500)).toBe("274.500s");
    expect(formatDuration(35_000)).toBe("35s");
    expect(formatDuration(0)).toBe("0s");
    expect(formatTimestamp(1_714_725_000_123_456)).toBe("2024-05-03T08:30:00.123456Z");
    expect(formatTimestamp(1_714_725_000_120_000)).toBe("2024-05-03T08:30:00.120Z");
  });

  it("keeps maps as objects keyed by id and empty annotation messages as {}", () => {
    const analysed = conversations.filter((item) => item.latestAnalysis !== undefined);
    const metadata = analysed.map(
      (item) =>
        (item.latestAnalysis as { analysisResult: { callAnalysisMetadata: Record<string, unknown> } }).analysisResult
          .callAnalysisMetadata,
    );
    const withIntents = metadata.find((item) => item.intents !== undefined) as {
      intents: Record<string, { id: string }>;
    };
    for (const [key, intent] of Object.entries(withIntents.intents)) expect(intent.id).toBe(key);
    expect(metadata.some((item) => typeof item.entities === "object" && !Array.isArray(item.entities))).toBe(true);
    const annotations = metadata.flatMap((item) => (item.annotations ?? []) as Record<string, unknown>[]);
    expect(annotations.some((item) => JSON.stringify(item.silenceData) === "{}")).toBe(true);
    expect(annotations.some((item) => (item.annotationStartBoundary as { wordIndex?: number }).wordIndex === 0)).toBe(
      true,
    );
    const labelled = emulator.conversations().find((record) => record.labels.vip === "");
    const json = conversations.find((item) => String(item.name).endsWith(`/${labelled?.id}`));
    expect(json).toHaveProperty("labels.vip", "");
  });

  it("writes enums as names and per-channel sentiments", () => {
    const stereo = emulator.conversations().find((record) => record.callMetadata && record.analyses.length > 0);
    const json = emulator.encodedConversation(stereo?.id ?? "") as {
      latestAnalysis: { analysisResult: { callAnalysisMetadata: { sentiments: { channelTag: number }[] } } };
      transcript: { transcriptSegments: { segmentParticipant: { role: string } }[] };
    };
    const tags = json.latestAnalysis.analysisResult.callAnalysisMetadata.sentiments
      .map((item) => item.channelTag)
      .sort();
    expect(tags).toEqual([1, 2]);
    const roles = new Set(json.transcript.transcriptSegments.map((segment) => segment.segmentParticipant.role));
    expect([...roles].every((role) => ["HUMAN_AGENT", "AUTOMATED_AGENT", "END_USER"].includes(role))).toBe(true);
  });
});
