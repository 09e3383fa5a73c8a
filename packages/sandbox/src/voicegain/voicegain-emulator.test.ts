import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createVoicegainEmulator, type VoicegainCall, type VoicegainEmulator, VoicegainGenerator } from "./index.ts";

let emulator: VoicegainEmulator;
beforeAll(async () => {
  emulator = await createVoicegainEmulator({ defaultWindowHours: false, seed: 21, callCount: 3000, rateLimits: false });
});
afterAll(() => emulator.close());

const authorized = (target: VoicegainEmulator = emulator) => ({ Authorization: `Bearer ${target.token}` });

describe("seeded data", () => {
  it("is the same for the same seed and differs for another", async () => {
    await using twin = await createVoicegainEmulator({
      defaultWindowHours: false,
      seed: 21,
      callCount: 3000,
      rateLimits: false,
    });
    await using other = await createVoicegainEmulator({
      defaultWindowHours: false,
      seed: 22,
      callCount: 3000,
      rateLimits: false,
    });
    const body = async (target: VoicegainEmulator): Promise<string> =>
      (await fetch(`${target.apiUrl}/sa/call?per_page=500&page=2`, { headers: authorized(target) })).text();
    expect(await body(twin)).toBe(await body(emulator));
    expect(await body(other)).not.toBe(await body(emulator));
    expect(twin.token).toBe(emulator.token);
  });

  it("matches the generator the tests can run themselves", () => {
    const generator = new VoicegainGenerator({ seed: 21 });
    const first = generator.next();
    expect(emulator.calls()[0]).toEqual(first);
  });

  it("has the documented variety: ids 16-48, repeat callers, ERROR and in-flight calls, optional resolution", () => {
    const calls = emulator.calls();
    const agentIds = new Set(calls.flatMap((call) => (call.agent?.agentId ? [call.agent.agentId] : [])));
    for (const id of agentIds) expect(id.length).toBeGreaterThanOrEqual(16);
    for (const id of agentIds) expect(id.length).toBeLessThanOrEqual(48);
    expect(calls.some((call) => (call.dailyRepeatCalls ?? 0) > 0)).toBe(true);
    expect(calls.some((call) => call.progressPhase === "ERROR")).toBe(true);
    expect(calls.filter((call) => !["DONE", "ERROR"].includes(call.progressPhase ?? ""))).toHaveLength(3);
    expect(new Set(calls.map((call) => call.callResolved))).toEqual(new Set([true, false, undefined]));
    expect(calls.some((call) => call.direction === "outbound")).toBe(true);
    const ids = calls.map((call) => Number(call.callId));
    expect(ids).toEqual([...ids].sort((left, right) => left - right));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("counts repeat calls from the same endpoints within the previous 24 hours", () => {
    const calls = emulator.calls().filter((call) => call.dailyRepeatCalls !== undefined);
    for (const call of calls.slice(0, 400)) {
      const startMs = Date.parse(call.startTime ?? "");
      const expected = emulator
        .calls()
        .filter(
          (other) =>
            other.externalEndpoint === call.externalEndpoint &&
            other.internalEndpoint === call.internalEndpoint &&
            Date.parse(other.startTime ?? "") < startMs &&
            Date.parse(other.startTime ?? "") > startMs - 86_400_000,
        ).length;
      expect(call.dailyRepeatCalls, call.callId).toBe(expected);
    }
  });

  it("leaves fields with no value absent, never null or empty", async () => {
    const text = await (await fetch(`${emulator.apiUrl}/sa/call?per_page=3000`, { headers: authorized() })).text();
    expect(text).not.toContain("null");
    expect(text).not.toContain("[]");
    const calls = JSON.parse(text) as VoicegainCall[];
    expect(calls.every((call) => typeof call.callId === "string")).toBe(true);
  });

  it("offers the smaller Dec 2024 field set", async () => {
    await using old = await createVoicegainEmulator({
      defaultWindowHours: false,
      seed: 21,
      callCount: 50,
      profile: "2024-12",
    });
    const fields = new Set(old.calls().flatMap((call) => Object.keys(call)));
    expect(fields.has("sentiment")).toBe(true);
    expect(fields.has("sentiments")).toBe(false);
    expect(fields.has("auditStatus")).toBe(false);
  });
});

describe("routes", () => {
  it("serves the Edge base path", async () => {
    await using edge = await createVoicegainEmulator({
      defaultWindowHours: false,
      seed: 1,
      callCount: 5,
      basePath: "/ascalon-web-api",
    });
    expect((await fetch(`${edge.url}/ascalon-web-api/sa/call`, { headers: authorized(edge) })).status).toBe(200);
    expect((await fetch(`${edge.url}/v1/sa/call`, { headers: authorized(edge) })).status).toBe(404);
  });

  it("rejects other methods with 405", async () => {
    const response = await fetch(`${emulator.apiUrl}/sa/call`, { method: "POST", headers: authorized() });
    expect(response.status).toBe(405);
    expect(await response.json()).toMatchObject({ reason: "Method Not Allowed" });
  });

  it("streams a 10,000-record page", async () => {
    await using large = await createVoicegainEmulator({
      defaultWindowHours: false,
      seed: 2,
      callCount: 12_000,
      rateLimits: false,
    });
    const response = await fetch(`${large.apiUrl}/sa/call?per_page=10000`, { headers: authorized(large) });
    expect(response.headers.get("content-length")).toBeNull();
    const calls = (await response.json()) as VoicegainCall[];
    expect(calls).toHaveLength(10_000);
    expect(calls.at(-1)).toEqual(large.calls()[9999]);
  });
});

describe("test controls", () => {
  it("logs method, path, query and headers", async () => {
    emulator.clearRequests();
    await fetch(`${emulator.apiUrl}/sa/call?agentId=a&agentId=b&page=2`, {
      headers: { ...authorized(), "X-Trace": "t1" },
    });
    const [entry] = emulator.requests();
    expect(entry).toMatchObject({
      method: "GET",
      path: "/v1/sa/call",
      query: { agentId: ["a", "b"], page: ["2"] },
      status: 400,
    });
    expect(entry?.headers["x-trace"]).toBe("t1");
  });

  it("injects a 500 into the next matching requests only", async () => {
    emulator.injectFault({
      kind: "status",
      status: 500,
      times: 2,
      match: (request) => request.query.page?.[0] === "2",
    });
    const page = (number: number) => fetch(`${emulator.apiUrl}/sa/call?page=${number}`, { headers: authorized() });
    expect((await page(1)).status).toBe(200);
    const failed = await page(2);
    expect(failed.status).toBe(500);
    expect(await failed.json()).toEqual({ reason: "Internal Server Error", detail: expect.any(String) });
    expect((await page(2)).status).toBe(500);
    expect((await page(2)).status).toBe(200);
  });

  it("injects a 429 with Retry-After", async () => {
    emulator.injectFault({ kind: "rate-limit", retryAfterSeconds: 7 });
    const response = await fetch(`${emulator.apiUrl}/sa/call`, { headers: authorized() });
    expect(response.status).toBe(429);
    expect(response.headers.get("retry-after")).toBe("7");
    expect((await fetch(`${emulator.apiUrl}/sa/call`, { headers: authorized() })).status).toBe(200);
  });

  it("cuts the connection mid-body", async () => {
    emulator.injectFault({ kind: "cut", afterBytes: 5000 });
    const response = await fetch(`${emulator.apiUrl}/sa/call?per_page=1000`, { headers: authorized() });
    expect(response.status).toBe(200);
    await expect(response.text()).rejects.toThrow();
    expect((await fetch(`${emulator.apiUrl}/sa/call?per_page=1000`, { headers: authorized() })).status).toBe(200);
  });
});
