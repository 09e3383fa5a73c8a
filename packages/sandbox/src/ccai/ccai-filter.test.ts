import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type CcaiConversation,
  type CcaiEmulator,
  compileCcaiFilter,
  conversationFilterFields,
  createCcaiEmulator,
} from "./index.ts";

const headers = { authorization: "Bearer test-token" };
let emulator: CcaiEmulator;
let records: readonly CcaiConversation[];

beforeAll(async () => {
  emulator = await createCcaiEmulator({ seed: 11, conversations: 400, clock: "frozen" });
  records = emulator.conversations();
});
afterAll(() => emulator.close());

const ids = (predicate: (record: CcaiConversation) => boolean) => records.filter(predicate).map((record) => record.id);
const select = (filter: string) => ids(compileCcaiFilter(filter, conversationFilterFields));
const micros = (time: string) => Date.parse(time) * 1000;

async function listIds(filter: string): Promise<string[]> {
  const url = `${emulator.url}/v1/${emulator.parent}/conversations?pageSize=1000&orderBy=create_time%20asc&filter=${encodeURIComponent(filter)}`;
  const body = (await (await fetch(url, { headers })).json()) as { conversations?: { name: string }[] };
  return (body.conversations ?? []).map((item) => item.name.split("/").at(-1) ?? "");
}

async function listError(filter: string): Promise<{ status: number; message: string }> {
  const url = `${emulator.url}/v1/${emulator.parent}/conversations?filter=${encodeURIComponent(filter)}`;
  const response = await fetch(url, { headers });
  const body = (await response.json()) as { error: { status: string; message: string } };
  expect(body.error.status).toBe("INVALID_ARGUMENT");
  return { status: response.status, message: body.error.message };
}

describe("conversation filters", () => {
  it("ANDs whitespace-separated terms as in the seed 000 example, with offsets in timestamps", async () => {
    const filter =
      'create_time>"2024-05-01T12:00:00-08:00" create_time<"2024-05-02T12:00:00-08:00" agent_id="007" turn_count>="10"';
    const expected = ids(
      (record) =>
        record.createTimeMicros > micros("2024-05-01T20:00:00Z") &&
        record.createTimeMicros < micros("2024-05-02T20:00:00Z") &&
        record.agentId === "007" &&
        record.turnCount >= 10,
    );
    expect(expected.length).toBeGreaterThan(2);
    expect(await listIds(filter)).toEqual(expected);
  });

  it("supports OR, NOT, a leading minus and parentheses with AIP-160 precedence", () => {
    const chatOrShort = ids((record) => record.medium === "CHAT" || record.turnCount < 5);
    expect(select('medium="CHAT" OR turn_count<"5"')).toEqual(chatOrShort);
    expect(select('NOT medium="CHAT"')).toEqual(ids((record) => record.medium !== "CHAT"));
    expect(select('-medium="CHAT"')).toEqual(ids((record) => record.medium !== "CHAT"));
    expect(select('medium!="CHAT"')).toEqual(ids((record) => record.medium !== "CHAT"));
    // OR binds tighter than the implicit AND: a (b OR c).
    const mixed = ids((record) => record.agentId === "007" && (record.medium === "CHAT" || record.turnCount > 20));
    expect(select('agent_id="007" medium="CHAT" OR turn_count>"20"')).toEqual(mixed);
    expect(select('(medium="CHAT" AND agent_id="A1") OR (medium="PHONE_CALL" AND agent_id="007")')).toEqual(
      ids(
        (record) =>
          (record.medium === "CHAT" && record.agentId === "A1") ||
          (record.medium === "PHONE_CALL" && record.agentId === "007"),
      ),
    );
  });

  it("tests presence of the latest analysis and compares its create time", () => {
    const analysed = ids((record) => record.analyses.length > 0);
    expect(analysed.length).toBeGreaterThan(0);
    expect(analysed.length).toBeLessThan(records.length);
    expect(select('latest_analysis:"*"')).toEqual(analysed);
    expect(select('-latest_analysis:"*"')).toEqual(ids((record) => record.analyses.length === 0));
    const cut = "2024-05-02T00:00:00Z";
    expect(select(`latest_analysis.create_time>"${cut}"`)).toEqual(
      ids((record) => (record.analyses.at(-1)?.createTimeMicros ?? 0) > micros(cut)),
    );
  });

  it("matches label keys and label values", async () => {
    expect(select('labels:"vip"')).toEqual(ids((record) => "vip" in record.labels));
    expect(select('labels.queue:"billing"')).toEqual(ids((record) => record.labels.queue === "billing"));
    expect(await listIds('labels.queue="sales" labels.region:"*"')).toEqual(
      ids((record) => record.labels.queue === "sales" && "region" in record.labels),
    );
  });

  it("filters on quality metadata, duration, update time and phrase matchers", () => {
    expect(select('quality_metadata.customer_satisfaction_rating>"3"')).toEqual(
      ids((record) => record.qualityMetadata.customerSatisfactionRating > 3),
    );
    expect(select('quality_metadata.agent_info.agent_type="AUTOMATED_AGENT"')).toEqual(
      ids((record) => record.qualityMetadata.agentInfo.some((agent) => agent.agentType === "AUTOMATED_AGENT")),
    );
    expect(select('duration>"600s"')).toEqual(ids((record) => record.durationMs > 600_000));
    expect(select('update_time>="2024-05-02T00:00:00Z"')).toEqual(
      ids((record) => record.updateTimeMicros >= micros("2024-05-02T00:00:00Z")),
    );
    expect(select('latest_analysis.analysis_result.call_analysis_metadata.phrase_matchers.id:"1203040506"')).toEqual(
      ids((record) => "1203040506" in (record.analyses.at(-1)?.phraseMatchers ?? {})),
    );
    expect(select('start_time<"2099-01-01T00:00:00Z"')).toEqual(ids((record) => record.startTimeMicros > 0));
  });

  it("names the unknown field", async () => {
    const error = await listError('agent_name="007"');
    expect(error.status).toBe(400);
    expect(error.message).toContain('unknown field "agent_name"');
  });

  it("rejects syntax errors with a message naming the problem", async () => {
    expect((await listError('agent_id="007')).message).toContain("unterminated string");
    expect((await listError('(agent_id="007"')).message).toContain("missing ')'");
    expect((await listError("agent_id=")).message).toContain("expected a value");
    expect((await listError("agent_id")).message).toContain("needs a comparison");
    expect((await listError('agent_id="007" )')).message).toContain("unexpected ')'");
    expect((await listError('agent_id="007" AND')).message).toContain("unexpected end");
  });

  it("rejects wrongly typed values, unquoted values and unsupported comparisons", async () => {
    expect((await listError('create_time>"yesterday"')).message).toContain("RFC 3339");
    expect((await listError('turn_count>="ten"')).message).toContain("integer");
    expect((await listError("turn_count>=10")).message).toContain("double-quoted");
    expect((await listError('agent_id<"007"')).message).toContain("supports only");
    expect((await listError('medium="FAX"')).message).toContain("not a valid medium");
    expect((await listError('latest_analysis="x"')).message).toContain('latest_analysis:"*"');
    const lenient = compileCcaiFilter("turn_count>=10", conversationFilterFields, { requireQuotedValues: false });
    expect(ids(lenient)).toEqual(ids((record) => record.turnCount >= 10));
  });
});
