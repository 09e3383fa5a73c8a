import { describe, expect, test } from "vitest";
import type { ColumnDefinition } from "../schema/logical-type.ts";
import { mergeKeyOf } from "./warehouse-keys.ts";
import { latestRowPerKey } from "./warehouse-writes.ts";

const columns: readonly ColumnDefinition[] = [
  { name: "id", type: "integer" },
  { name: "at", type: "timestamp" },
  { name: "name", type: "string" },
  { name: "ratio", type: "float" },
];

describe("merge keys compare as the warehouse compares them", () => {
  test.each([
    ["integer: bigint and number", ["id"], { id: 1n }, { id: 1 }, true],
    ["integer: beyond 2^53 by value", ["id"], { id: 2n ** 60n }, { id: 2n ** 60n }, true],
    ["integer: different", ["id"], { id: 1n }, { id: 2 }, false],
    ["timestamp: Z and an offset", ["at"], { at: "2026-01-01T00:00:00Z" }, { at: "2026-01-01T01:00:00+01:00" }, true],
    ["timestamp: offset without colon", ["at"], { at: "2026-01-01T00:00:00Z" }, { at: "2025-12-31 19:00-0500" }, true],
    ["timestamp: hour-only offset", ["at"], { at: "2026-01-01T00:00:00Z" }, { at: "2026-01-01T02:00:00+02" }, true],
    [
      "timestamp: fraction written longer",
      ["at"],
      { at: "2026-01-01T00:00:00.5Z" },
      { at: "2026-01-01T00:00:00.500000z" },
      true,
    ],
    [
      "timestamp: one microsecond apart",
      ["at"],
      { at: "2026-01-01T00:00:00Z" },
      { at: "2026-01-01T00:00:00.000001Z" },
      false,
    ],
    [
      "timestamp: across a day by offset",
      ["at"],
      { at: "2026-03-01T00:30:00+01:00" },
      { at: "2026-02-28T23:30:00Z" },
      true,
    ],
    ["timestamp: year below 100", ["at"], { at: "0099-01-01T00:00:00Z" }, { at: "1999-01-01T00:00:00Z" }, false],
    ["string: case kept", ["name"], { name: "a" }, { name: "A" }, false],
    [
      "string: a timestamp's text is only text",
      ["name"],
      { name: "2026-01-01T00:00:00Z" },
      { name: "2026-01-01T00:00:00.0Z" },
      false,
    ],
    ["float: zero and minus zero", ["ratio"], { ratio: 0 }, { ratio: -0 }, true],
    ["composite: bigint and number", ["name", "id"], { name: "a", id: 1n }, { name: "a", id: 1 }, true],
    [
      "composite: instants",
      ["name", "at"],
      { name: "a", at: "2026-01-01T00:00:00Z" },
      { name: "a", at: "2026-01-01T01:00+01" },
      true,
    ],
    ["composite: no separator collisions", ["name", "id"], { name: 'a","1', id: 2 }, { name: "a", id: 1 }, false],
    ["composite: parts not run together", ["name", "id"], { name: "a1", id: 2 }, { name: "a", id: 12 }, false],
    [
      "composite: a part holding digits and a colon",
      ["name", "id"],
      { name: "1:a", id: 1 },
      { name: "3", id: 1 },
      false,
    ],
  ] as const)("%s", (_, key, first, second, equal) => {
    const keyOf = mergeKeyOf(key, columns);
    expect(Object.is(keyOf(first), keyOf(second)) || keyOf(first) === keyOf(second)).toBe(equal);
  });

  test("latestRowPerKey keeps the last row of each key, in batch order", () => {
    const rows = [
      { id: 1n, at: "2026-01-01T00:00:00Z", name: "first" },
      { id: 2, at: "2026-01-01T00:00:00Z", name: "other" },
      { id: 1, at: "2026-01-01T00:00:00Z", name: "last" },
    ];
    expect(latestRowPerKey(rows, ["id"], columns)).toEqual([rows[1], rows[2]]);
    const distinct = rows.slice(0, 2);
    expect(latestRowPerKey(distinct, ["id"], columns)).toBe(distinct);
  });
});
