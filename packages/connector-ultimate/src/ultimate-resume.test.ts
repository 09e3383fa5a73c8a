import { HttpError, type RawRecords, rawRecordTexts, silentLogger } from "@parley/core";
import type { UltimateEmulator } from "@parley/sandbox/ultimate";
import { afterEach, describe, expect, test } from "vitest";
import { keysOf, readSource, settingsFor, startEmulator, testNow } from "./__fixtures__/ultimate-harness.ts";
import { createUltimateSource } from "./ultimate-source.ts";

const emulators: UltimateEmulator[] = [];
afterEach(async () => {
  for (const emulator of emulators.splice(0)) await emulator.close();
});

// One day, one file of ~300 conversations (~600 KB), so a cut lands in the middle of the file.
async function bigDay(fileFormat: "ndjson" | "array-pretty") {
  const server = await startEmulator({ fileFormat, filesPerDay: 1, conversationsPerDay: 300 });
  emulators.push(server);
  const settings = settingsFor(server, { startDate: "2024-06-19" }, 1);
  const botId = server.bots[0]?.id as string;
  const served = [...server.records(botId, "2024-06-19")].map((record) => `${botId}/${String(record.conversation_id)}`);
  const ranges = () =>
    server.requests
      .filter((request) => request.method === "GET")
      .map((request) => String(request.headers.range ?? "whole file"));
  const signedUrlCalls = () => server.requests.filter((request) => request.method === "POST").length;
  return { server, settings, served, ranges, signedUrlCalls };
}

async function read(settings: Record<string, unknown>, onRecord?: (count: number) => void) {
  const source = createUltimateSource(settings as never);
  try {
    return await readSource(source, onRecord === undefined ? {} : { onRecord });
  } finally {
    await source.close();
  }
}

describe.each(["ndjson", "array-pretty"] as const)("resuming a %s file", (format) => {
  test("connections cut mid-file: resumed with Range from the last element, every record emitted exactly once", async () => {
    const day = await bigDay(format);
    day.server.injectFault({ kind: "cut-connection", afterBytes: 150_000 }, { times: 3, on: "downloads" });
    const result = await read(day.settings);
    expect(keysOf(result.records)).toEqual(day.served);
    expect(result.rejects).toEqual([]);
    const ranges = day.ranges();
    expect(ranges).toHaveLength(4);
    expect(ranges[0]).toBe("whole file");
    const offsets = ranges.slice(1).map((range) => Number(/^bytes=(\d+)-$/.exec(range)?.[1]));
    // Each resume starts at the end of the last whole element, just short of where the cut fell.
    expect(offsets[0]).toBeGreaterThan(140_000);
    expect(offsets[0]).toBeLessThanOrEqual(150_000);
    expect(offsets[1]).toBeGreaterThan((offsets[0] as number) + 140_000);
    expect(offsets[2]).toBeGreaterThan((offsets[1] as number) + 140_000);
    expect(result.notes.filter((note) => note.includes("connection broke"))).toHaveLength(3);
  });

  test("raw records held to the end of a download cut three times keep their bytes, each record once", async () => {
    const day = await bigDay(format);
    day.server.injectFault({ kind: "cut-connection", afterBytes: 150_000 }, { times: 3, on: "downloads" });
    const source = createUltimateSource(day.settings as never);
    const held: RawRecords[] = [];
    try {
      const context = {
        state: new Map(),
        streams: new Set(["conversations"]),
        logger: silentLogger,
        signal: new AbortController().signal,
        progress: () => undefined,
        now: () => new Date(testNow),
        rawRecords: true,
      };
      for await (const message of source.read(context)) if (message.kind === "raw") held.push(message.records);
    } finally {
      await source.close();
    }
    const botId = day.server.bots[0]?.id as string;
    const records = held.flatMap((records) => rawRecordTexts(records)).map((text) => JSON.parse(text));
    expect(records).toEqual([...day.server.records(botId, "2024-06-19")]);
    expect(day.ranges()).toHaveLength(4);
  });

  test("an expired link (ExpiredToken) is re-requested and the download resumes where it stopped", async () => {
    const day = await bigDay(format);
    day.server.injectFault({ kind: "cut-connection", afterBytes: 200_000 }, { times: 1, on: "downloads" });
    // The first link dies while its download is under way, so the resume meets ExpiredToken.
    const result = await read(day.settings, (count) => {
      if (count === 1) day.server.expireIssuedLinks();
    });
    expect(keysOf(result.records)).toEqual(day.served);
    expect(day.signedUrlCalls()).toBe(2);
    expect(result.notes.some((note) => note.includes("refused the link (HTTP 400 ExpiredToken)"))).toBe(true);
    const ranges = day.ranges();
    // Whole file, cut; the same link with Range refused as expired; the new link with the same Range.
    expect(ranges).toHaveLength(3);
    expect(ranges[1]).toBe(ranges[2]);
    expect(ranges[1]).toMatch(/^bytes=\d+-$/);
  });
});

test("a download that never makes progress fails after a few attempts, with an error that shows no signature", async () => {
  const day = await bigDay("ndjson");
  day.server.injectFault({ kind: "cut-connection", afterBytes: 0 }, { times: 20, on: "downloads" });
  const error = await read(day.settings).catch((caught: unknown) => caught);
  expect(HttpError.isInstance(error), String(error)).toBe(true);
  expect((error as Error).message).toContain("made no progress in 6 attempts");
  expect((error as Error).message).not.toMatch(/X-Goog-Signature=[^[]/);
  expect(day.ranges()).toHaveLength(6);
});

test("rate limits and retries of the API and the downloads reach the run's progress as waits", async () => {
  const day = await bigDay("ndjson");
  day.server.injectFault({ kind: "rate-limit", retryAfterSeconds: 1 }, { on: "signed-urls" });
  day.server.injectFault({ kind: "server-error" }, { on: "downloads" });
  day.server.injectFault({ kind: "cut-connection", afterBytes: 150_000 }, { on: "downloads" });
  const result = await read(day.settings);
  expect(keysOf(result.records)).toEqual(day.served);
  expect(result.waits).toEqual([
    { milliseconds: expect.any(Number), reason: "rate limited by the server (429)" },
    {
      milliseconds: expect.any(Number),
      reason: expect.stringMatching(/^retrying GET http:\/\/127\.0\.0\.1:\d+\/.* after HTTP 500$/),
    },
    { milliseconds: expect.any(Number), reason: expect.stringMatching(/^the connection broke .*; resuming$/) },
  ]);
  expect(result.waits[0]?.milliseconds).toBeGreaterThanOrEqual(1000);
  expect(result.waits.map((wait) => wait.reason).join()).not.toMatch(/X-Goog-Signature=[0-9a-f]/);
});
