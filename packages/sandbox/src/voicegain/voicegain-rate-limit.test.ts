import { afterEach, describe, expect, it } from "vitest";
import { createVoicegainEmulator, type VoicegainEmulator } from "./index.ts";

let nowMs = 0;
let emulator: VoicegainEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

async function start(options: Parameters<typeof createVoicegainEmulator>[0]): Promise<VoicegainEmulator> {
  nowMs = Date.parse("2024-06-01T10:00:00.250Z");
  emulator = await createVoicegainEmulator({ seed: 5, callCount: 10, now: () => nowMs, ...options });
  return emulator;
}

function call(target: VoicegainEmulator, token = target.token, path = "/sa/call?per_page=1"): Promise<Response> {
  return fetch(`${target.apiUrl}${path}`, { headers: { Authorization: `Bearer ${token}` } });
}

describe("rate limits (vendor-apis §2.7)", () => {
  it("sends the vendor's default policy headers on every response", async () => {
    const target = await start({});
    const response = await call(target);
    expect(response.headers.get("ratelimit-limit")).toBe("75, 75;window=60, 2000;window=3600");
    expect(response.headers.get("ratelimit-remaining")).toBe("74");
    expect(response.headers.get("ratelimit-reset")).toBe("60");
    const invalid = await call(target, target.token, "/sa/call?per_page=0");
    expect(invalid.status).toBe(400);
    expect(invalid.headers.get("ratelimit-remaining")).toBe("73");
  });

  it("answers 429 with Retry-After and {reason, detail} once a window is used up, then recovers", async () => {
    const target = await start({
      rateLimits: [
        { limit: 5, windowSeconds: 1 },
        { limit: 8, windowSeconds: 10 },
      ],
    });
    const remaining: (string | null)[] = [];
    for (let index = 0; index < 5; index += 1) {
      const response = await call(target);
      expect(response.status).toBe(200);
      remaining.push(response.headers.get("ratelimit-remaining"));
    }
    expect(remaining).toEqual(["4", "3", "2", "1", "0"]);
    const limited = await call(target);
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("1");
    expect(limited.headers.get("ratelimit-limit")).toBe("5, 5;window=1, 8;window=10");
    expect(await limited.json()).toEqual({ reason: "Too Many Requests", detail: expect.any(String) });

    nowMs += 1000;
    const afterWindow = await call(target);
    expect(afterWindow.status).toBe(200);
    // Now the 10-second window binds: 8 - 6 counted requests.
    expect(afterWindow.headers.get("ratelimit-limit")).toBe("8, 5;window=1, 8;window=10");
    expect(afterWindow.headers.get("ratelimit-remaining")).toBe("2");
    await call(target);
    await call(target);
    const hourly = await call(target);
    expect(hourly.status).toBe(429);
    expect(hourly.headers.get("retry-after")).toBe("9");
  });

  it("counts per token", async () => {
    const target = await start({ tokens: ["token-a", "token-b"], rateLimits: [{ limit: 1, windowSeconds: 60 }] });
    expect((await call(target, "token-a")).status).toBe(200);
    expect((await call(target, "token-a")).status).toBe(429);
    expect((await call(target, "token-b")).status).toBe(200);
    target.resetRateLimits();
    expect((await call(target, "token-a")).status).toBe(200);
  });

  it("can be switched off for benchmarks", async () => {
    const target = await start({ rateLimits: false });
    for (let index = 0; index < 80; index += 1) expect((await call(target)).status).toBe(200);
    expect((await call(target)).headers.get("ratelimit-limit")).toBeNull();
  });
});
