import { describe, expect, test } from "vitest";
import { createRecordMapper } from "./record-mapper.ts";
import type { RecordMapping } from "./record-mapping.ts";

const mapping: RecordMapping = {
  keys: "exact",
  fields: [
    { column: "id", from: ["id"], reading: "numeric id" },
    { column: "duration", from: ["duration"], reading: "whole number" },
    { column: "agent_id", from: ["agentId"], reading: "text or null", within: "agent" },
    { column: "score", from: ["score"], reading: "number" },
    { column: "tags", from: ["tags"], reading: "text list" },
    { column: "children", from: ["children"], reading: "numeric id list" },
    {
      column: "markers",
      from: ["markers"],
      reading: "object list",
      itemKeys: [
        { key: "time", reading: "whole number" },
        { key: "note", reading: "text or null" },
      ],
    },
    { column: "quality", from: ["quality"], reading: "json as sent" },
  ],
};
const columns = ["id", "duration", "agent_id", "score", "tags", "children", "markers", "quality"];
const map = createRecordMapper(mapping, columns, ["id"]);
const context = { values: {}, where: "" };

describe("a mapping with exact keys", () => {
  test("reads nested fields, lists and objects of lists as declared; other keys and other spellings are left out", () => {
    expect(
      map(
        {
          id: "12",
          ID: "99",
          duration: "30.0",
          agent: { agentId: 7, email: "x" },
          score: " 87.5",
          tags: ["a", null, 5],
          children: ["13", ""],
          markers: [{ note: "", time: "5", other: 1 }, null],
          quality: "[1]",
          unknown: true,
        },
        context,
      ),
    ).toEqual({
      ok: true,
      row: {
        id: 12,
        duration: 30,
        agent_id: "7",
        score: 87.5,
        tags: ["a", "", "5"],
        children: [13, null],
        markers: [
          { time: 5, note: null },
          { time: null, note: null },
        ],
        quality: "[1]",
      },
    });
  });

  test("the reason names the first unreadable field: the key first, then the objects fields lie within, then in order", () => {
    const reason = (record: unknown) => {
      const mapped = map(record, context);
      return mapped.ok ? "ok" : mapped.reason;
    };
    expect(reason({ duration: "x" })).toBe("id: missing is not a numeric id");
    expect(reason({ id: "", duration: "x" })).toBe('id: "" is not a numeric id');
    expect(reason({ id: "-1" })).toBe('id: "-1" is not a numeric id');
    expect(reason({ id: "1", duration: "x", agent: [] })).toBe("agent: expected an object");
    expect(reason({ id: "1", duration: 7.5, score: "x" })).toBe("duration: 7.5 is not a whole number");
    expect(reason({ id: "1", duration: "x" })).toBe('duration: "x" is not a number');
    expect(reason({ id: "1", agent: { agentId: {} } })).toBe("agent.agentId: expected text, got {}");
    expect(reason({ id: "1", tags: "a" })).toBe('tags: expected a list, got "a"');
    expect(reason({ id: "1", children: ["x"] })).toBe('children[0]: "x" is not a numeric id');
    expect(reason({ id: "1", markers: [{ time: 1 }, 3] })).toBe("markers[1]: expected an object");
    expect(reason({ id: "1", markers: [{ time: 1.5 }] })).toBe("markers[0].time: 1.5 is not a whole number");
    expect(reason([])).toBe("expected a record (a JSON object), got a list");
  });

  test("a mapping that keys of any case read refuses the readings that need exact keys", () => {
    expect(() => createRecordMapper({ fields: [{ column: "n", from: ["n"], reading: "number" }] }, ["n"], [])).toThrow(
      /keys: "exact"/,
    );
  });
});

test("a required column with a context fallback takes the context's value when the record has none, with keys of any case or exact keys alike; an empty value stays a reject", () => {
  const declared = (keys?: "exact"): RecordMapping => ({
    ...(keys === undefined ? {} : { keys }),
    fields: [
      { column: "bot", from: ["botId"], reading: "text", contextFallback: true },
      { column: "id", from: ["id"], reading: "text" },
    ],
  });
  const context = { values: { bot: "from-file" }, where: "file 1" };
  for (const keys of [undefined, "exact"] as const) {
    const map = createRecordMapper(declared(keys), ["bot", "id"], ["bot", "id"]);
    expect(map({ id: "c1" }, context)).toEqual({ ok: true, row: { bot: "from-file", id: "c1" } });
    expect(map({ id: "c2", botId: null }, context)).toEqual({ ok: true, row: { bot: "from-file", id: "c2" } });
    expect(map({ id: "c3", botId: "sent" }, context)).toEqual({ ok: true, row: { bot: "sent", id: "c3" } });
    expect(map({ id: "c4", botId: "" }, context)).toMatchObject({ ok: false });
    expect(map({ id: "c5" }, { values: {}, where: "" })).toMatchObject({ ok: false });
  }
});
