import { describe, expect, test } from "vitest";
import { createRecordValidator } from "./record-validator.ts";
import type { StreamDefinition } from "./stream-definition.ts";

const stream: StreamDefinition = {
  name: "conversations",
  writeDisposition: "merge",
  primaryKey: ["id"],
  columns: [
    { name: "id", type: "string" },
    { name: "name", type: "string" },
    { name: "intents", type: "json", shape: "list of objects" },
    { name: "labels", type: "json", shape: "list of strings" },
    { name: "data", type: "json", shape: "object" },
    { name: "anything", type: "json" },
  ],
};
const validate = createRecordValidator(stream);

function nested(depth: number): unknown {
  let value: unknown = 1;
  for (let level = 0; level < depth; level++) value = { a: value };
  return value;
}

describe("json columns", () => {
  test.each(
    (
      [
        [{ intents: "not a list" }, 'column "intents": expected a list of objects, got string "not a list"'],
        [{ intents: [{ a: 1 }, 7] }, 'column "intents": expected a list of objects, item 1 is number 7'],
        [{ labels: ["a", { b: 1 }] }, 'column "labels": expected a list of strings, item 1 is an object'],
        [{ data: [] }, 'column "data": expected an object, got a list'],
        [{ anything: nested(5000) }, 'column "anything": nested deeper than 100 levels'],
        [{ id: "a\u0000b" }, 'column "id": a key holds a NUL character'],
        [{ id: "cut \ud83d" }, 'column "id": a key holds a NUL character or half a UTF-16 surrogate pair'],
      ] as [Record<string, unknown>, string][]
    ).map(([fields, reason]) => [reason, fields] as const),
  )("rejects a record: %s", (reason, fields) => {
    const result = validate({ id: "k", ...fields });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toContain(reason);
  });

  test("keeps values of the declared shapes, and nesting up to the limit, as the same objects", () => {
    const record = { id: "k", intents: [{ a: 1 }], labels: ["x"], data: { b: [1, { c: null }] }, anything: nested(99) };
    const result = validate(record);
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.row.data).toBe(record.data);
      expect(result.row.anything).toBe(record.anything);
    }
  });

  test("repairs lone surrogates and NULs to U+FFFD in strings, nested values and object keys", () => {
    const record = {
      id: "k",
      name: "emoji cut \ud83d in half, nul \u0000 here, whole 😀",
      data: { ["key\u0000"]: ["x\udc00", { deep: "\ud83d" }], kept: "😀" },
      anything: "\ud83d",
    };
    const result = validate(record);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.row.name).toBe("emoji cut \ufffd in half, nul \ufffd here, whole 😀");
    expect(result.row.data).toEqual({ "key\ufffd": ["x\ufffd", { deep: "\ufffd" }], kept: "😀" });
    expect(Object.keys(result.row.data as object)).toEqual(["key\ufffd", "kept"]);
    expect(result.row.anything).toBe("\ufffd");
    expect(record.data).toHaveProperty("key\u0000");
  });

  test("a shape on a column that is not json is a programming error", () => {
    expect(() =>
      createRecordValidator({
        name: "s",
        writeDisposition: "append",
        columns: [{ name: "a", type: "string", shape: "object" }],
      }),
    ).toThrow(/only json columns declare a shape/);
  });
});
