import { describe, expect, test } from "vitest";
import { createRecordValidator } from "./record-validator.ts";
import type { StreamDefinition } from "./stream-definition.ts";

const stream: StreamDefinition = {
  name: "calls",
  writeDisposition: "merge",
  primaryKey: ["id"],
  columns: [
    { name: "id", type: "string" },
    { name: "count", type: "integer" },
    { name: "score", type: "float" },
    { name: "ok", type: "boolean" },
    { name: "at", type: "timestamp" },
    { name: "day", type: "date" },
    { name: "nested", type: "json" },
  ],
};
const validate = createRecordValidator(stream);

describe("createRecordValidator", () => {
  test("keeps declared columns, fills absent ones with null and ignores undeclared fields", () => {
    const result = validate({ id: "a", count: 3, extra: "dropped", nested: [{ x: 1 }] });
    expect(result).toEqual({
      ok: true,
      row: { id: "a", count: 3, score: null, ok: null, at: null, day: null, nested: [{ x: 1 }] },
    });
  });

  test("normalises Dates to ISO UTC and keeps sub-millisecond ISO strings as they are", () => {
    const fromDate = validate({ id: "a", at: new Date(Date.UTC(2024, 4, 3, 8, 10, 1, 211)) });
    expect(fromDate.ok && fromDate.row.at).toBe("2024-05-03T08:10:01.211Z");
    const precise = validate({ id: "a", at: "2024-05-03T09:00:00.123456789Z" });
    expect(precise.ok && precise.row.at).toBe("2024-05-03T09:00:00.123456789Z");
    expect(validate({ id: "a", at: "2024-05-03T08:10:01.211+00:00" }).ok).toBe(true);
  });

  test.each([
    [{ id: "a", count: "7" }, 'column "count": expected an integer, got string "7"'],
    [{ id: "a", count: 1.5 }, 'column "count": expected an integer'],
    [{ id: "a", score: Number.NaN }, 'column "score": expected a finite number'],
    [{ id: "a", ok: "true" }, 'column "ok": expected a boolean'],
    [{ id: "a", at: "2024-05-03 08:10:01" }, 'column "at": expected an ISO 8601 timestamp with a time zone'],
    [{ id: "a", at: "2024-13-03T08:10:01Z" }, 'column "at": expected an ISO 8601 timestamp'],
    [{ id: "a", day: "2024-02-30" }, 'column "day": expected a date YYYY-MM-DD'],
    [{ count: 1 }, 'column "id": required but missing'],
  ])("rejects %j with a reason", (record, reason) => {
    const result = validate(record);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toContain(reason);
  });

  test("rejects records that are not objects", () => {
    expect(validate([] as never)).toEqual({ ok: false, reason: "expected an object record, got a list" });
  });

  test("keeps every column in declared order under its own name, whatever the name", () => {
    const odd: StreamDefinition = {
      name: "odd",
      writeDisposition: "append",
      columns: [
        { name: "z_last", type: "string" },
        { name: 'quote"and\\backslash', type: "integer" },
        { name: "__proto__", type: "json" },
        { name: "line\nbreak", type: "boolean", nullable: false },
      ],
    };
    const check = createRecordValidator(odd);
    const record = JSON.parse('{"z_last":"z","quote\\"and\\\\backslash":2,"__proto__":{"a":1},"line\\nbreak":true}');
    const result = check(record);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(Object.keys(result.row)).toEqual(["z_last", 'quote"and\\backslash', "__proto__", "line\nbreak"]);
    expect(Object.getPrototypeOf(result.row)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(result.row, "__proto__")?.value).toEqual({ a: 1 });
    expect(check({ z_last: "z" })).toEqual({ ok: false, reason: 'column "line\nbreak": required but missing' });
  });
});
