import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createVoicegainEmulator, type VoicegainEmulator } from "./index.ts";

let emulator: VoicegainEmulator;
let get: (query: string, headers?: Record<string, string>) => Promise<Response>;

beforeAll(async () => {
  emulator = await createVoicegainEmulator({
    defaultWindowHours: false,
    seed: 7,
    callCount: 120,
    rateLimits: false,
    timeZone: "America/Chicago",
  });
  get = (query, headers = { Authorization: `Bearer ${emulator.token}` }) =>
    fetch(`${emulator.apiUrl}/sa/call${query}`, { headers });
});
afterAll(() => emulator.close());

async function expectError(response: Response, status: number, reason: string, detail?: RegExp): Promise<void> {
  expect(response.status).toBe(status);
  expect(response.headers.get("content-type")).toMatch(/^application\/json/);
  const body = (await response.json()) as { reason: string; detail: string };
  expect(body.reason).toBe(reason);
  expect(typeof body.detail).toBe("string");
  if (detail) expect(body.detail).toMatch(detail);
}

describe("authentication", () => {
  it("rejects a missing Authorization header with 401 {reason, detail}", async () => {
    await expectError(await get("", {}), 401, "Unauthorized", /Missing/);
  });

  it("rejects a wrong token", async () => {
    await expectError(await get("", { Authorization: "Bearer not-the-token" }), 401, "Unauthorized", /Invalid/);
  });

  it("rejects the raw token unless acceptRawToken is set", async () => {
    await expectError(await get("", { Authorization: emulator.token }), 401, "Unauthorized");
    await using lenient = await createVoicegainEmulator({
      defaultWindowHours: false,
      seed: 7,
      callCount: 5,
      acceptRawToken: true,
    });
    const response = await fetch(`${lenient.apiUrl}/sa/call`, { headers: { Authorization: lenient.token } });
    expect(response.status).toBe(200);
  });

  it("issues a JWT whose payload carries accountId and contextId", () => {
    const payload = JSON.parse(Buffer.from(emulator.token.split(".")[1] ?? "", "base64url").toString("utf8"));
    expect(payload).toMatchObject({ accountId: emulator.accountId, contextId: emulator.contextId });
  });
});

describe("query validation (seed 002, vendor-apis §2.3)", () => {
  it.each([
    ["per_page=0", "per_page"],
    ["per_page=10001", "per_page"],
    ["per_page=ten", "per_page"],
    ["page=0", "page"],
    ["page=-1", "page"],
    ["afterCallId=-1", "afterCallId"],
    ["afterCallId=1.5", "afterCallId"],
    ["fromTime=yesterday", "fromTime"],
    ["toTime=2024-02-30T00:00:00Z", "toTime"],
    ["agentId=short", "agentId"],
    [`agentId=${"a".repeat(16)},short`, "agentId"],
    [`queueId=${"q".repeat(49)}`, "queueId"],
    ["aivrAppId=x", "aivrAppId"],
    ["format=xml", "format"],
    ["consecutive=yes", "consecutive"],
    ["direction=sideways", "direction"],
    ["period=yesterday", "period"],
    ["sort_by=duration", "sort_by"],
    ["sort_dir=up", "sort_dir"],
    ["recomputePhase=done", "recomputePhase"],
  ])("400 for %s", async (query, name) => {
    await expectError(await get(`?${query}`), 400, "Bad Request", new RegExp(`'${name}'`));
  });

  it("400 for a date-time longer than 32 characters, even if well-formed", async () => {
    const time = encodeURIComponent("2024-05-01T00:00:00.000000001+05:00");
    await expectError(await get(`?fromTime=${time}`), 400, "Bad Request", /at most 32 characters/);
  });

  it("400 for a scalar parameter given twice", async () => {
    await expectError(await get("?page=1&page=2"), 400, "Bad Request", /'page' must be given once/);
  });

  it("400 for consecutive=true with sort_by or sort_dir", async () => {
    await expectError(await get("?consecutive=true&sort_by=time"), 400, "Bad Request", /consecutive/);
    await expectError(await get("?consecutive=true&sort_dir=asc"), 400, "Bad Request", /consecutive/);
    expect((await get("?consecutive=false&sort_by=time")).status).toBe(200);
  });

  it("400 when sort_dir does not match sort_by element-wise", async () => {
    await expectError(await get("?sort_by=time&sort_by=score&sort_dir=asc"), 400, "Bad Request", /sort_dir/);
  });

  it("accepts the documented limits and ignores parameters it does not know", async () => {
    for (const query of ["?per_page=1", "?per_page=10000", "?afterCallId=0", "?fromTime=2020-07-21T00:00:00Z&ui=1"]) {
      expect((await get(query)).status, query).toBe(200);
    }
  });
});

describe("filters", () => {
  const ids = async (query: string): Promise<string[]> => {
    const response = await get(query);
    expect(response.status).toBe(200);
    return ((await response.json()) as { callId: string }[]).map((call) => call.callId);
  };

  it("reads array parameters repeated and comma-joined alike", async () => {
    const [first, second] = emulator.generator.agents;
    const repeated = await ids(`?per_page=200&agentId=${first?.agentId}&agentId=${second?.agentId}`);
    const joined = await ids(`?per_page=200&agentId=${first?.agentId},${second?.agentId}`);
    const expected = emulator
      .calls()
      .filter((call) => call.agent?.agentId === first?.agentId || call.agent?.agentId === second?.agentId)
      .map((call) => call.callId);
    expect(expected.length).toBeGreaterThan(0);
    expect(repeated).toEqual(expected);
    expect(joined).toEqual(expected);
  });

  it("filters by direction and queue", async () => {
    const queue = emulator.generator.queues[0]?.queueId ?? "";
    const expected = emulator
      .calls()
      .filter((call) => call.direction === "inbound" && call.queue?.queueId === queue)
      .map((call) => call.callId);
    expect(await ids(`?per_page=200&direction=inbound&queueId=${queue}`)).toEqual(expected);
  });

  it("reads a time without offset in the account time zone, and an offset as given", async () => {
    const calls = emulator.calls();
    const target = calls[40];
    const startMs = Date.parse(target?.startTime ?? "");
    // America/Chicago is UTC-5 in May (CDT).
    const local = new Date(startMs - 5 * 3_600_000).toISOString().slice(0, 19);
    const expected = calls.filter((call) => Date.parse(call.startTime ?? "") >= startMs).map((call) => call.callId);
    expect(await ids(`?per_page=200&fromTime=${local}`)).toEqual(expected);
    expect(await ids(`?per_page=200&fromTime=${encodeURIComponent(`${local}-05:00`)}`)).toEqual(expected);
    expect(await ids(`?per_page=200&fromTime=${local}Z`)).not.toEqual(expected);
  });

  it("treats afterCallId as an exclusive lower bound", async () => {
    const after = Number(emulator.calls()[99]?.callId);
    const expected = emulator
      .calls()
      .slice(100)
      .map((call) => call.callId);
    expect(await ids(`?per_page=200&afterCallId=${after}`)).toEqual(expected);
  });

  it("sorts by score descending with unscored calls last", async () => {
    const result = await get("?per_page=200&sort_by=score&sort_dir=desc");
    const scores = ((await result.json()) as { score?: number }[]).map((call) => call.score);
    const scored = scores.filter((score) => score !== undefined);
    expect(scored).toEqual([...scored].sort((left, right) => right - left));
    expect(scores.slice(scored.length).every((score) => score === undefined)).toBe(true);
  });
});

describe("single call", () => {
  it("returns one call by id, with callId as a string", async () => {
    const call = emulator.calls()[3];
    const response = await fetch(`${emulator.apiUrl}/sa/call/${call?.callId}`, {
      headers: { Authorization: `Bearer ${emulator.token}` },
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual(call);
  });

  it("404 for an unknown call, with {reason, detail}", async () => {
    const response = await fetch(`${emulator.apiUrl}/sa/call/1`, {
      headers: { Authorization: `Bearer ${emulator.token}` },
    });
    await expectError(response, 404, "Not Found");
  });
});
