import type { ColumnDefinition } from "@parley/core";
import { describe, expect, test } from "vitest";
import { CopyText, createRowEncoder, escapeText, jsonText } from "./postgres-copy.ts";

describe("escapeText", () => {
  test.each([
    ["plain", "plain"],
    ["back\\slash", "back\\\\slash"],
    ["tab\there", "tab\\there"],
    ["line\nbreak", "line\\nbreak"],
    ["carriage\rreturn", "carriage\\rreturn"],
    ["\\N", "\\\\N"],
    ["\\.", "\\\\."],
    ["nul\0byte", "nul\uFFFDbyte"],
    ["\\\t\n\r", "\\\\\\t\\n\\r"],
  ])("%j becomes %j", (input, expected) => {
    expect(escapeText(input)).toBe(expected);
  });
});

describe("jsonText", () => {
  test("keeps bigint values as JSON numbers", () => {
    expect(jsonText({ id: 9007199254740993n, list: [1n] })).toBe('{"id":9007199254740993,"list":[1]}');
  });

  test("replaces the \\u0000 escape that jsonb refuses, but not an escaped backslash followed by u0000", () => {
    expect(jsonText({ text: "a\0b" })).toBe('{"text":"a\\ufffdb"}');
    expect(jsonText({ text: "a\\u0000b" })).toBe('{"text":"a\\\\u0000b"}');
  });
});

describe("createRowEncoder", () => {
  const columns: ColumnDefinition[] = [
    { name: "text", type: "string" },
    { name: "number", type: "integer" },
    { name: "ratio", type: "float" },
    { name: "flag", type: "boolean" },
    { name: "nested", type: "json" },
  ];

  test("writes one tab-separated line per row, \\N for null, lineage last", () => {
    const encode = createRowEncoder(columns, ["load\t1", "2026-01-02T03:04:05Z"]);
    expect(
      encode({
        text: "a\tb",
        number: 12345678901234567890n,
        ratio: 1e-9,
        flag: false,
        nested: { path: "C:\\dir", line: "x\ny" },
      }),
    ).toBe(
      'a\\tb\t12345678901234567890\t1e-9\tf\t{"path":"C:\\\\\\\\dir","line":"x\\\\ny"}\tload\\t1\t2026-01-02T03:04:05Z\n',
    );
    expect(encode({ text: null, number: null, ratio: null, flag: true, nested: null })).toBe(
      "\\N\t\\N\t\\N\tt\t\\N\tload\\t1\t2026-01-02T03:04:05Z\n",
    );
  });

  test("stores a JSON column's string value as a JSON string, not as bare text", () => {
    expect(createRowEncoder([{ name: "nested", type: "json" }])({ nested: "hello" })).toBe('"hello"\n');
  });
});

describe("CopyText", () => {
  test("encodes each row once and gives the same text on a second pass", () => {
    let calls = 0;
    const rows = Array.from({ length: 30_000 }, (_, index) => ({ id: `row-${index}-${"x".repeat(40)}` }));
    const encode = createRowEncoder([{ name: "id", type: "string" }]);
    const text = new CopyText(rows, (row) => {
      calls += 1;
      return encode(row);
    });
    const iterator = text[Symbol.iterator]();
    const first = iterator.next().value as string; // a pass broken off after one chunk, as an aborted COPY does
    expect(first.length).toBeGreaterThan(0);
    const whole = [...text].join("");
    expect([...text].join("")).toBe(whole);
    expect(whole.startsWith(first)).toBe(true);
    expect(whole.split("\n")).toHaveLength(30_001);
    expect(calls).toBe(30_000);
  });
});
