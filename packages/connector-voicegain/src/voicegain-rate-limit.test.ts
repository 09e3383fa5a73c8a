import { createVoicegainEmulator } from "@parley/sandbox/voicegain";
import { afterEach, describe, expect, test } from "vitest";
import { readSource } from "./__fixtures__/drive-source.ts";
import { budgetWindows } from "./voicegain-client.ts";
import { voicegainConfigSchema } from "./voicegain-config.ts";

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

describe("rate limits", () => {
  test("with a tight emulator budget (3 requests a second) the connector waits on RateLimit-Remaining/Reset and never gets a 429", async () => {
    const voicegain = await createVoicegainEmulator({
      seed: 41,
      callCount: 200,
      inFlight: 0,
      rateLimits: [{ limit: 3, windowSeconds: 1 }],
    });
    stops.push(() => voicegain.close());
    // Pacing on the connector's side stays at the vendor defaults: only the server's headers can keep it under 3/s.
    const read = await readSource({
      token: voicegain.token,
      fromTime: "2024-05-01T00:00:00Z",
      baseUrl: voicegain.apiUrl,
      perPage: 20,
    });
    expect(read.rows).toHaveLength(200);
    const statuses = voicegain.requests().map((request) => request.status);
    expect(statuses).toHaveLength(10);
    expect(statuses.every((status) => status === 200)).toBe(true);
    const waits = read.progress.filter((event) => event.kind === "waiting");
    expect(waits.length).toBeGreaterThanOrEqual(2);
    expect(waits[0]).toMatchObject({ kind: "waiting", stream: "calls", reason: "rate limit pacing" });
  });

  test("a 429 with Retry-After is waited out and retried, and the wait is shown", async () => {
    const voicegain = await createVoicegainEmulator({ seed: 42, callCount: 60, inFlight: 0 });
    stops.push(() => voicegain.close());
    voicegain.injectFault({
      kind: "rate-limit",
      retryAfterSeconds: 1,
      match: (request) => request.query.afterCallId?.[0] !== "0",
    });
    const read = await readSource({
      token: voicegain.token,
      fromTime: "2024-05-01T00:00:00Z",
      baseUrl: voicegain.apiUrl,
      perPage: 30,
    });
    expect(read.rows).toHaveLength(60);
    expect(voicegain.requests().map((request) => request.status)).toEqual([200, 429, 200]);
    const wait = read.progress.find((event) => event.kind === "waiting");
    expect(wait).toMatchObject({ reason: "rate limited by the server (429)" });
    expect(wait?.kind === "waiting" && wait.milliseconds >= 1000).toBe(true);
  });

  test("pacing follows the settings: vendor defaults, custom limits, or off", () => {
    const windows = (rateLimit?: unknown) =>
      budgetWindows(voicegainConfigSchema.parse({ token: "a-token-value", rateLimit }).rateLimit);
    expect(windows()).toEqual([
      { requests: 75, windowMs: 61_000 },
      { requests: 2000, windowMs: 3_601_000 },
    ]);
    expect(windows({ requestsPerMinute: 10 })).toEqual([
      { requests: 10, windowMs: 61_000 },
      { requests: 2000, windowMs: 3_601_000 },
    ]);
    expect(windows(false)).toEqual([]);
  });
});
