import { describe, expect, test } from "vitest";
import { mapConversation } from "./ultimate-records.ts";

const origin = { botId: "bot-1", exportDate: "2024-05-03", exportVersion: "v3" };

// Seed 004's example record, shortened.
const example = {
  bot_id: "98174e8d635471c383b9ec7b",
  conversation_id: "67bc4129-6609-4v67-869d-db1d0186d1d8",
  conversation_start_time: "2024-05-03T08:10:01.211+00:00",
  conversation_end_time: "2024-05-03T08:10:25.744+00:00",
  labels: ["web", "API:getBookingDetails-Success"],
  conversations_data: { bsatScore: 5, city: "Barcelona" },
  test_mode: false,
  conversation_status: "botHandled",
  triggered_intent_replies: [
    { intent_timestamp: "2024-05-03T08:10:02.991+00:00", intent_name: "Greeting", not_meaningful: true },
  ],
  knowledge_notUnderstood_count: "2",
  bot_messages_count: "7",
  customer_messages_count: "4",
  not_understood_messages_count: "0",
};

function row(raw: unknown): Record<string, unknown> {
  const mapped = mapConversation(raw, origin);
  if (!mapped.ok) throw new Error(mapped.reason);
  return mapped.row;
}

describe("mapConversation", () => {
  test("seed 004's example: counts become integers, lists stay in order, the export day and version are kept", () => {
    expect(row(example)).toMatchObject({
      bot_id: "98174e8d635471c383b9ec7b",
      conversation_end_time: "2024-05-03T08:10:25.744+00:00",
      export_date: "2024-05-03",
      export_version: "v3",
      labels: ["web", "API:getBookingDetails-Success"],
      conversations_data: { bsatScore: 5, city: "Barcelona" },
      triggered_intent_replies: example.triggered_intent_replies,
      knowledge_not_understood_count: 2,
      bot_messages_count: 7,
      customer_messages_count: 4,
      messages_count_field: "customer_messages_count",
      not_understood_messages_count: 0,
      llm_not_understood_count: null,
      extra_fields: null,
    });
  });

  test("UPPER-CASE and mixed-case keys map to the same columns", () => {
    const upper = Object.fromEntries(Object.entries(example).map(([key, value]) => [key.toUpperCase(), value]));
    const mixed = { ...example, Bot_Messages_Count: "9" } as Record<string, unknown>;
    delete mixed.bot_messages_count;
    expect(row(upper)).toEqual(row(example));
    expect(row(mixed).bot_messages_count).toBe(9);
  });

  test("v2 layout: visitor_messages_count fills the same column; llm_* counts are kept", () => {
    const { customer_messages_count: _dropped, knowledge_notUnderstood_count: _v3, ...rest } = example;
    const v2 = row({ ...rest, visitor_messages_count: "5", llm_fallback_count: "3", is_llm_conversation: true });
    expect(v2).toMatchObject({
      customer_messages_count: 5,
      messages_count_field: "visitor_messages_count",
      llm_fallback_count: 3,
      knowledge_not_understood_count: null,
      is_llm_conversation: true,
    });
  });

  test("conversations_data as a JSON string, or under conversation_data, is parsed", () => {
    const { conversations_data: data, ...rest } = example;
    expect(row({ ...rest, conversations_data: JSON.stringify(data) }).conversations_data).toEqual(data);
    expect(row({ ...rest, conversation_data: data }).conversations_data).toEqual(data);
    expect(row({ ...rest, conversations_data: "not json" }).conversations_data).toBe("not json");
  });

  test("unknown fields are kept under their own names in extra_fields", () => {
    expect(row({ ...example, resolution_tier: "T1", SESSION_ENDED_TIMESTAMP: 5 }).extra_fields).toEqual({
      resolution_tier: "T1",
      SESSION_ENDED_TIMESTAMP: 5,
    });
  });

  test("times: other offsets become UTC, naive times are read as UTC, epoch seconds and milliseconds are accepted", () => {
    const at = (value: unknown) => row({ ...example, conversation_end_time: value }).conversation_end_time;
    expect(at("2024-05-03T10:10:25.744+02:00")).toBe("2024-05-03T08:10:25.744Z");
    expect(at("2024-05-03 08:10:25")).toBe("2024-05-03T08:10:25.000Z");
    expect(at(1714723825)).toBe("2024-05-03T08:10:25.000Z");
    expect(at(1714723825744)).toBe("2024-05-03T08:10:25.744Z");
    expect(at("")).toBeNull();
  });

  test("counts: empty and null are unknown, 7.0 is 7; anything else is a reject that names the field", () => {
    const count = (value: unknown) => mapConversation({ ...example, bot_messages_count: value }, origin);
    expect(count("")).toMatchObject({ ok: true, row: { bot_messages_count: null } });
    expect(count(null)).toMatchObject({ ok: true, row: { bot_messages_count: null } });
    expect(count("7.0")).toMatchObject({ ok: true, row: { bot_messages_count: 7 } });
    expect(count(12)).toMatchObject({ ok: true, row: { bot_messages_count: 12 } });
    for (const bad of ["seven", "7.5", "1e400", true]) {
      const mapped = count(bad);
      expect(mapped.ok, String(bad)).toBe(false);
      if (!mapped.ok) expect(mapped.reason).toContain("bot_messages_count");
    }
  });

  test("no conversation id, or not an object: a reject with the reason", () => {
    const { conversation_id: _id, ...rest } = example;
    expect(mapConversation(rest, origin)).toEqual({ ok: false, reason: "field conversation_id: missing or empty" });
    expect(mapConversation([1], origin)).toMatchObject({ ok: false });
    expect(mapConversation("text", origin)).toMatchObject({ ok: false });
  });

  test("a missing bot_id is the bot whose export held the record", () => {
    const { bot_id: _bot, ...rest } = example;
    expect(row(rest).bot_id).toBe("bot-1");
    expect(mapConversation(rest, { ...origin, botId: undefined })).toMatchObject({ ok: false });
  });
});
