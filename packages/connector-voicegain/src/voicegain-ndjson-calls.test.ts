import { rawRecordTexts } from "@parley/core";
import { expect, test } from "vitest";
import { NdjsonCalls } from "./voicegain-ndjson-calls.ts";

test("calls written as NDJSON keep their text and order across blocks, each part with its highest callId", () => {
  const calls = [
    [1, '{"callId":1}'],
    // Fewer UTF-16 units than the 51 bytes left in the block, more bytes: it must start a block of its own.
    [2, `{"callId":2,"notes":"${"漢".repeat(10)}"}`],
    [7, '{"callId":7,"notes":"plain"}'],
    [3, '{"callId":3,"notes":"é, 漢字 and \\"quotes\\""}'],
    [12, `{"callId":12,"notes":"${"long ".repeat(30)}"}`],
    [9, '{"callId":9}'],
  ] as const;
  // Blocks of 64 bytes: most calls start a block of their own, the long one gets one of its size.
  const ndjson = new NdjsonCalls(64);
  for (const [callId, json] of calls) ndjson.add(callId, json);
  expect(ndjson.count).toBe(6);
  const parts = ndjson.finish();
  expect(parts.length).toBeGreaterThan(1);
  expect(parts.flatMap((part) => rawRecordTexts(part.records))).toEqual(calls.map(([, json]) => json));
  // The spans name each call's bytes, without the line break.
  const bySpans = parts.flatMap(({ records }) => {
    const bytes = Buffer.from(records.bytes);
    const spans = records.spans as Uint32Array;
    return Array.from({ length: records.count }, (_, index) =>
      bytes.toString("utf8", spans[index * 2], spans[index * 2 + 1]),
    );
  });
  expect(bySpans).toEqual(calls.map(([, json]) => json));
  for (const part of parts) {
    const ids = rawRecordTexts(part.records).map((text) => (JSON.parse(text) as { callId: number }).callId);
    expect(part.highestCallId).toBe(Math.max(...ids));
    expect(part.records.layout).toBe("ndjson");
  }
  expect(new NdjsonCalls().finish()).toEqual([]);
});
