import { expect, test } from "vitest";
import { ElementSplitter, rawRecordTexts } from "./json-element-splitter.ts";
import { splitRawRecords } from "./raw-records-split.ts";

const recordsOf = (layout: "ndjson" | "array", text: string) => {
  const splitter = new ElementSplitter(layout === "ndjson" ? "ndjson" : undefined);
  const pieces = [...splitter.pushRecords(Buffer.from(text)), ...splitter.finishRecords()];
  const records = pieces.flatMap((piece) => (piece.kind === "records" ? [piece.records] : []));
  expect(records).toHaveLength(1);
  return records[0] as NonNullable<(typeof records)[0]>;
};

test.each([
  ["ndjson", '{"a":1}\n{"a":"two, \\"2\\""}\r\n\n{"a":[3]}\n{"a":{"b":4}}\n'],
  ["array", '[{"a":1} ,\n {"a":"two, \\"2\\""},{"a":[3]},{"a":{"b":4}}]'],
] as const)("%s records cut after each count give the same records, in order, as the whole", (layout, text) => {
  const whole = recordsOf(layout, text);
  const all = rawRecordTexts(whole);
  expect(all).toHaveLength(4);
  for (let count = 1; count < 4; count += 1) {
    const [first, second] = splitRawRecords(whole, count) ?? [];
    expect(first?.count).toBe(count);
    expect(second?.count).toBe(4 - count);
    expect([...rawRecordTexts(first as never), ...rawRecordTexts(second as never)]).toEqual(all);
    // Without the offsets, the bytes alone are read again by the splitter: they must hold exactly those records.
    const bytesOnly = (part: typeof first) => {
      const { spans: _, ...withoutOffsets } = part as typeof whole;
      return rawRecordTexts(withoutOffsets);
    };
    expect([...bytesOnly(first), ...bytesOnly(second)]).toEqual(all);
  }
  expect(splitRawRecords(whole, 0)).toBeUndefined();
  expect(splitRawRecords(whole, 4)).toBeUndefined();
  const { spans: _, ...withoutOffsets } = whole;
  expect(splitRawRecords(withoutOffsets, 2)).toBeUndefined();
});
