import { describe, expect, it } from "vitest";
import {
  createUltimateEmulator,
  type UltimateEmulator,
  type UltimateEmulatorOptions,
  type UltimateRecord,
} from "./index.ts";

const now = "2024-06-20T09:00:00Z";

async function downloadDay(emulator: UltimateEmulator, date: string, version = "v3", botIndex = 0): Promise<string[]> {
  const response = await fetch(`${emulator.url}/data-export/${version}/get-signed-urls`, {
    method: "POST",
    headers: {
      authorization: emulator.apiKey,
      organizationid: emulator.organizationId,
      botid: emulator.bots[botIndex]?.id ?? "",
    },
    body: JSON.stringify({ date }),
  });
  const { urls } = (await response.json()) as { urls: string[] };
  return Promise.all(urls.map(async (url) => (await fetch(url)).text()));
}

function parseNdjson(bodies: string[]): UltimateRecord[] {
  return bodies.flatMap((body) =>
    body
      .split("\n")
      .filter((line) => line !== "")
      .map((line) => JSON.parse(line) as UltimateRecord),
  );
}

async function withEmulator<T>(
  options: UltimateEmulatorOptions,
  use: (emulator: UltimateEmulator) => Promise<T>,
): Promise<T> {
  await using emulator = await createUltimateEmulator({ seed: 3, now, ...options });
  return await use(emulator);
}

describe("file bodies", () => {
  it("parse to the same records as NDJSON, a JSON array and a pretty-printed array", async () => {
    const options = { conversationsPerDay: 57, filesPerDay: 3 };
    const ndjson = await withEmulator(options, (emulator) => downloadDay(emulator, "2024-06-18"));
    const array = await withEmulator({ ...options, fileFormat: "array" }, (emulator) =>
      downloadDay(emulator, "2024-06-18"),
    );
    const pretty = await withEmulator({ ...options, fileFormat: "array-pretty" }, (emulator) =>
      downloadDay(emulator, "2024-06-18"),
    );
    const fromNdjson = parseNdjson(ndjson);
    expect(fromNdjson).toHaveLength(57);
    expect(array[0]?.startsWith("[{")).toBe(true);
    expect(pretty[0]?.startsWith("[\n  {\n")).toBe(true);
    expect(array.flatMap((body) => JSON.parse(body) as UltimateRecord[])).toEqual(fromNdjson);
    expect(pretty.flatMap((body) => JSON.parse(body) as UltimateRecord[])).toEqual(fromNdjson);
  });

  it("split a day across several files in order, each one NDJSON line per record", async () => {
    await withEmulator({ conversationsPerDay: 10, filesPerDay: 4 }, async (emulator) => {
      const bodies = await downloadDay(emulator, "2024-06-18");
      expect(bodies.map((body) => body.split("\n").length - 1)).toEqual([2, 3, 2, 3]);
      expect(parseNdjson(bodies)).toEqual([...emulator.records(emulator.bots[0]?.id ?? "", "2024-06-18")]);
      const empty = await withEmulator({ conversationsPerDay: 0, filesPerDay: 2, fileFormat: "array" }, (other) =>
        downloadDay(other, "2024-06-18"),
      );
      expect(empty).toEqual(["[]", "[]"]);
    });
  });

  it("are the same bytes for the same seed and differ for another seed", async () => {
    const first = await withEmulator({}, (emulator) => downloadDay(emulator, "2024-06-10"));
    const second = await withEmulator({}, (emulator) => downloadDay(emulator, "2024-06-10"));
    const other = await withEmulator({ seed: 4 }, (emulator) => downloadDay(emulator, "2024-06-10"));
    expect(second).toEqual(first);
    expect(other).not.toEqual(first);
  });
});

describe("v3 records (seed 004)", () => {
  it("carry the v3 fields, string counts and end on the requested UTC day", async () => {
    await withEmulator({ conversationsPerDay: 400, filesPerDay: 1 }, async (emulator) => {
      const records = parseNdjson(await downloadDay(emulator, "2024-06-18"));
      const record = records[0] ?? {};
      for (const key of [
        "conversation_type",
        "segments",
        "triggered_use_cases",
        "triggered_procedures",
        "knowledge_sources",
      ]) {
        expect(record).toHaveProperty(key);
      }
      expect(record).toHaveProperty("knowledge_responseGenerated_count");
      expect(record).toHaveProperty("customer_messages_count");
      expect(record).not.toHaveProperty("visitor_messages_count");
      expect(record).not.toHaveProperty("llm_fallback_count");
      expect(typeof record.conversations_data).toBe("object");
      for (const entry of records) {
        expect(entry.conversation_end_time).toMatch(/^2024-06-18T\d{2}:\d{2}:\d{2}\.\d{3}\+00:00$/);
        expect(String(entry.conversation_start_time) <= String(entry.conversation_end_time)).toBe(true);
        expect(entry.bot_messages_count).toMatch(/^\d+$/);
        expect(["messaging", "email", "chat"]).toContain(entry.channel);
        expect(["Use case", "Knowledge", "Hybrid", "Others"]).toContain(entry.conversation_type);
      }
      const values = (key: string): Set<unknown> => new Set(records.map((entry) => entry[key]));
      expect(values("conversation_status")).toEqual(
        new Set(["botHandled", "agent", "email", "customEscalation", "failedEscalation", "bot_handled"]),
      );
      expect(values("last_resolution")).toEqual(new Set(["informed", "resolved", "escalated"]));
      expect(values("test_mode")).toEqual(new Set([true, false]));
      expect(records.some((entry) => entry.bot_messages_count === "0")).toBe(true);
      expect(records.some((entry) => String(entry.conversation_start_time) < "2024-06-17")).toBe(true);
      const intents = records.flatMap(
        (entry) => entry.triggered_intent_replies as { intent_name: string; not_meaningful: boolean }[],
      );
      expect(intents).toContainEqual(expect.objectContaining({ intent_name: "Greeting", not_meaningful: true }));
      expect(intents).toContainEqual(
        expect.objectContaining({ intent_name: "Talk to a human/agent", not_meaningful: false }),
      );
      const replies = records.flatMap((entry) => entry.triggered_replies as object[]);
      expect(Object.keys(replies[0] ?? {})).toEqual([
        "reply_timestamp",
        "reply_id",
        "reply_language",
        "reply_name",
        "reply_type",
        "intent_id",
      ]);
      const useCases = records.flatMap((entry) => entry.triggered_use_cases as object[]);
      expect(useCases[0]).toHaveProperty("intent_name");
    });
  });

  it("switch conversations_data to a string or the singular key, the count key, and upper-case keys", async () => {
    const options = {
      conversationsPerDay: 5,
      conversationsData: "string",
      conversationsDataKey: "conversation_data",
    } as const;
    await withEmulator({ ...options, messagesCountKey: "visitor_messages_count" }, async (emulator) => {
      const record = parseNdjson(await downloadDay(emulator, "2024-06-18"))[0] ?? {};
      expect(record).not.toHaveProperty("conversations_data");
      expect(typeof record.conversation_data).toBe("string");
      expect(JSON.parse(String(record.conversation_data))).toHaveProperty("convoId");
      expect(record).toHaveProperty("visitor_messages_count");
      expect(record).not.toHaveProperty("customer_messages_count");
    });
    await withEmulator({ conversationsPerDay: 5, upperCaseKeys: true }, async (emulator) => {
      const record = parseNdjson(await downloadDay(emulator, "2024-06-18"))[0] ?? {};
      expect(record).toHaveProperty("BOT_ID");
      expect(record).toHaveProperty("KNOWLEDGE_NOTUNDERSTOOD_COUNT");
      expect(Object.keys((record.TRIGGERED_INTENT_REPLIES as object[])[0] ?? { intent_id: 1 })).toContain("intent_id");
    });
  });
});

describe("v2 records (seed 003)", () => {
  it("carry llm_* counts, visitor_messages_count, chat/ticket channels and undefined resolutions", async () => {
    await withEmulator({ conversationsPerDay: 300, filesPerDay: 1 }, async (emulator) => {
      const records = parseNdjson(await downloadDay(emulator, "2024-06-18", "v2"));
      expect(records[0]).toHaveProperty("llm_notUnderstood_count");
      expect(records[0]).toHaveProperty("visitor_messages_count");
      expect(records[0]).toHaveProperty("is_llm_conversation");
      expect(records[0]).not.toHaveProperty("segments");
      expect(records[0]).not.toHaveProperty("knowledge_fallback_count");
      expect(new Set(records.map((entry) => entry.channel))).toEqual(new Set(["chat", "ticket"]));
      expect(records.some((entry) => entry.last_resolution === "undefined")).toBe(true);
      const v3 = [...emulator.records(emulator.bots[0]?.id ?? "", "2024-06-18")];
      expect(records.map((entry) => entry.conversation_id)).toEqual(v3.map((entry) => entry.conversation_id));
    });
  });
});

describe("day semantics (vendor-apis §3.7)", () => {
  it("hold fewer records before the late arrivals settle, and append duplicates", async () => {
    const options = {
      conversationsPerDay: 40,
      lateArrivals: { share: 0.25, settledAfterMinutes: 360 },
      duplicatesPerDay: 2,
    };
    await withEmulator({ ...options, now: "2024-06-19T05:59:00Z" }, async (emulator) => {
      const early = parseNdjson(await downloadDay(emulator, "2024-06-18"));
      expect(early).toHaveLength(30 + 2);
      emulator.setNow("2024-06-19T06:00:00Z");
      const settled = parseNdjson(await downloadDay(emulator, "2024-06-18"));
      expect(settled).toHaveLength(40 + 2);
      expect(settled.slice(0, 30)).toEqual(early.slice(0, 30));
      const ids = settled.map((entry) => entry.conversation_id);
      expect(new Set(ids).size).toBe(40);
      for (const duplicate of settled.slice(40)) expect(settled.slice(0, 40)).toContainEqual(duplicate);
    });
  });
});
