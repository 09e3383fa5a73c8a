import { rawRecordTexts } from "@parley/core";
import { describe, expect, test } from "vitest";
import { UnreadableBody } from "./voicegain-page.ts";
import { callIdOf, readRawJsonBody } from "./voicegain-raw-page.ts";
import { callIdFrom } from "./voicegain-values.ts";

async function* chunks(text: string, size: number): AsyncIterable<Buffer> {
  const bytes = Buffer.from(text);
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

const calls = [
  '{"callId":"14603","duration":30}',
  '{"duration":30,"callId":14604}',
  '{"callId":"1","callId":"99"}',
  '{"callId":"99","callId":"1"}',
  '{"agent":{"callId":"500"},"callId":"7"}',
  '{"agent":{"callId":"500"}}',
  '{"notes":"\\"callId\\":\\"800\\"","callId":"8"}',
  '{"call\\u0049d":"77"}',
  '{"callId":"\\u0037\\u0038"}',
  '{ "callId" : " 12 " }',
  // Spaces outside ASCII sent as they are (the JavaScript escape puts the character itself in the text), which
  // trimming removes as it does an ASCII space.
  '{"callId":"\u00a012"}',
  '{"callId":"12\u2003"}',
  '{"callId":-3}',
  '{"callId":7.0}',
  '{"callId":1e3}',
  '{"callId":null}',
  '{"callId":true}',
  '{"callId":"abc"}',
  '{"callId":["9"]}',
  '{"tags":["callId"],"callId":"10"}',
  '{"x":"a\\\\","callId":"11"}',
  "[1]",
  '"callId"',
];

// Calls opening with their callId as text, the usual form, read from the bytes without decoding them.
const openingCallIds = [
  '{"callId":"123456789012345","duration":1}',
  '{"callId":"1234567890123456","duration":1}',
  '{"callId":"007"}',
  '{"callId":""}',
  '{"callId":"12a","duration":1}',
  '{"callId":"-12"}',
  '{"callId":"1 2"}',
  '{"callId":"9\\u0030"}',
  '{"callId":"4","notes":"x\\"callId\\":\\"9\\""}',
  '{"callId":"5","agent":{"callId":"900"}}',
  '{"callId":"6","xcallId":"900"}',
  '{"callId":"7","callId":"3"}',
  // The same key spelled with escapes: JSON.parse takes the last one.
  '{"callId":"9","call\\u0049d":"5"}',
  '{"callId":"9","\\u0063allId":"5"}',
];

describe("raw JSON pages", () => {
  test("each call's callId is read from its bytes as JSON.parse reads it, whatever the spelling", () => {
    for (const text of calls) {
      const bytes = Buffer.from(`  ${text} `);
      const parsed = JSON.parse(text) as { callId?: unknown } | null;
      const expected = typeof parsed === "object" && parsed !== null ? callIdFrom(parsed.callId) : undefined;
      expect(callIdOf(bytes, 2, 2 + Buffer.byteLength(text)), text).toBe(expected);
    }
  });

  test("a page's highest callId is each call's callId as JSON.parse reads it, for a call on its own", async () => {
    for (const text of calls.slice(0, 19)) {
      const expected = callIdFrom((JSON.parse(text) as { callId?: unknown }).callId);
      for (const page of [`[${text}]`, `[${text},{"callId":"0"}]`]) {
        const parts = (await readRawJsonBody(chunks(page, 100_000))).raw;
        expect(parts[0]?.highestCallId, page).toBe(expected ?? (page.endsWith('"0"}]') ? 0 : undefined));
      }
    }
  });

  test("a page's highest callId is read as JSON.parse reads it for calls opening with their callId", async () => {
    for (const text of openingCallIds) {
      const expected = callIdFrom((JSON.parse(text) as { callId?: unknown }).callId);
      for (const page of [`[${text}]`, `[${text},{"callId":"0"}]`, `[{"callId":"0"}, ${text}]`]) {
        const parts = (await readRawJsonBody(chunks(page, 100_000))).raw;
        expect(parts[0]?.highestCallId, page).toBe(expected ?? (page.includes('"0"}') ? 0 : undefined));
      }
    }
  });

  test("a page arriving in batches of chunks is cut as one arriving chunk by chunk", async () => {
    const body = Buffer.from(`[${[...calls.slice(0, 19), ...openingCallIds].join(",\n ")}]`);
    async function* batches(size: number): AsyncIterable<Buffer[]> {
      for (let at = 0; at < body.length; at += 3 * size)
        yield [0, 1, 2].map((part) => body.subarray(at + part * size, Math.min(at + (part + 1) * size, body.length)));
    }
    for (const size of [1, 7, 64, 100_000]) {
      const page = await readRawJsonBody(batches(size));
      expect(page.calls).toBe(19 + openingCallIds.length);
      expect(page.bytes).toBe(body.length);
      expect(page.raw.flatMap((part) => rawRecordTexts(part.records))).toEqual([
        ...calls.slice(0, 19),
        ...openingCallIds,
      ]);
      expect(Math.max(...page.raw.map((part) => part.highestCallId ?? -1))).toBe(123456789012345);
    }
  });

  test("a page's calls are handed on as views of the chunks they arrived in, copied only where a chunk cuts a call", async () => {
    // Each in memory of its own, as each read of a socket is.
    const own = (text: string) => {
      const bytes = Buffer.allocUnsafeSlow(Buffer.byteLength(text));
      bytes.write(text);
      return bytes;
    };
    const first = own(`[${calls[0]},${calls[1]},`);
    const second = own(`${calls[2]}]`);
    async function* body(): AsyncIterable<Buffer> {
      yield first;
      yield second;
    }
    const page = await readRawJsonBody(body());
    const held = page.raw.map((part) => part.records.bytes.buffer);
    expect(held).toHaveLength(2);
    expect(held[0]).toBe(first.buffer);
    expect(held[1]).toBe(second.buffer);
    expect(page.raw.flatMap((part) => rawRecordTexts(part.records))).toEqual(calls.slice(0, 3));
  });

  test("a page is cut into its calls as sent, with the highest callId, across any chunking", async () => {
    const body = `[${calls.slice(0, 19).join(",\n ")}]`;
    for (const size of [1, 7, 64, 100_000]) {
      const page = await readRawJsonBody(chunks(body, size));
      expect(page.calls).toBe(19);
      expect(page.raw.flatMap((part) => rawRecordTexts(part.records))).toEqual(calls.slice(0, 19));
      expect(Math.max(...page.raw.map((part) => part.highestCallId ?? -1))).toBe(14604);
    }
    expect((await readRawJsonBody(chunks("[]", 1))).calls).toBe(0);
  });

  test("a body that is not a whole JSON list is unreadable, as on the row path", async () => {
    for (const body of ['{"callId":"1"}', "", '[{"callId":"1"}', '[{"callId":"1"}] x', "nope"]) {
      await expect(readRawJsonBody(chunks(body, 3)), body).rejects.toBeInstanceOf(UnreadableBody);
    }
  });
});
