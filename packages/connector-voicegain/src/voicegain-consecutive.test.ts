import { createVoicegainEmulator } from "@parley/sandbox/voicegain";
import { afterEach, describe, expect, test } from "vitest";
import { readSource } from "./__fixtures__/drive-source.ts";
import type { VoicegainState } from "./voicegain-state.ts";

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

async function emulator(options: Parameters<typeof createVoicegainEmulator>[0]) {
  const running = await createVoicegainEmulator({ rateLimits: false, ...options });
  stops.push(() => running.close());
  return running;
}

const isFinished = (phase: string | undefined) => phase === "DONE" || phase === "ERROR";

describe.each(["json", "csv"] as const)("consecutive export (%s)", (format) => {
  test("a call PROCESSING in run one is exported exactly once, in run two, once it is DONE", async () => {
    const voicegain = await emulator({ seed: 21, callCount: 240, inFlight: 3 });
    const settings = {
      token: voicegain.token,
      fromTime: "2024-05-01T00:00:00Z",
      baseUrl: voicegain.apiUrl,
      format,
      perPage: 50,
      timeZone: "America/Chicago",
      rateLimit: false,
    } as const;
    const calls = voicegain.calls();
    const blocked = calls.findIndex((call) => !isFinished(call.progressPhase));
    const inFlight = calls.filter((call) => !isFinished(call.progressPhase)).map((call) => Number(call.callId));
    expect(inFlight).toHaveLength(3);

    const first = await readSource(settings);
    expect(first.rows.map((row) => row.call_id)).toEqual(calls.slice(0, blocked).map((call) => Number(call.callId)));
    expect((first.finalState as VoicegainState).consecutive?.afterCallId).toBe(Number(calls[blocked - 1]?.callId));
    for (const id of inFlight) expect(first.rows.some((row) => row.call_id === id)).toBe(false);

    voicegain.completeInFlight();
    voicegain.addCalls(4, { inFlight: false });
    const second = await readSource(settings, first.finalState);
    const all = [...first.rows, ...second.rows].map((row) => row.call_id);
    expect(new Set(all).size).toBe(all.length);
    expect(all).toEqual(voicegain.calls().map((call) => Number(call.callId)));
    for (const id of inFlight) {
      const exported = second.rows.filter((row) => row.call_id === id);
      expect(exported).toHaveLength(1);
      expect(["DONE", "ERROR"]).toContain(exported[0]?.progress_phase);
    }
  });

  test("every request is page 1 of consecutive=true after the last exported callId, never with sort_by/sort_dir", async () => {
    const voicegain = await emulator({ seed: 22, callCount: 130, inFlight: 0 });
    const read = await readSource({
      token: voicegain.token,
      fromTime: "2024-05-01T00:00:00Z",
      baseUrl: voicegain.apiUrl,
      format,
      perPage: 40,
      timeZone: "UTC",
      rateLimit: false,
    });
    const requests = voicegain.requests();
    // 130 calls in pages of 40: 40, 40, 40, 10; the last page is short and X-Total-Count says nothing is left.
    expect(requests).toHaveLength(4);
    const ids = read.rows.map((row) => Number(row.call_id));
    const expectedAfter = [0, ids[39], ids[79], ids[119]].map(String);
    expect(requests.map((request) => request.query.afterCallId?.[0])).toEqual(expectedAfter);
    for (const request of requests) {
      expect(request.query).toMatchObject({ consecutive: ["true"], page: ["1"], per_page: ["40"], format: [format] });
      expect(request.query.sort_by).toBeUndefined();
      expect(request.query.sort_dir).toBeUndefined();
      expect(request.headers.authorization).toBe(`Bearer ${voicegain.token}`);
    }
    expect(read.checkpoints).toHaveLength(4);
  });

  test("resuming from a middle checkpoint re-reads exactly the calls after it, none twice", async () => {
    const voicegain = await emulator({ seed: 23, callCount: 300, inFlight: 2 });
    const settings = {
      token: voicegain.token,
      fromTime: "2024-05-01T00:00:00Z",
      baseUrl: voicegain.apiUrl,
      format,
      perPage: 30,
      timeZone: "America/Chicago",
      rateLimit: false,
    } as const;
    const full = await readSource(settings);
    const checkpointAt = full.messages
      .map((message, index) => (message.kind === "checkpoint" ? index : -1))
      .filter((index) => index >= 0);
    const middle = checkpointAt[Math.floor(checkpointAt.length / 2)] as number;
    const covered = full.messages.slice(0, middle).filter((message) => message.kind === "record").length;
    const middleMessage = full.messages[middle];
    const middleState = (middleMessage?.kind === "checkpoint" ? middleMessage.state : null) as VoicegainState;

    const resumed = await readSource(settings, middleState);
    expect(resumed.rows).toEqual(full.rows.slice(covered));
    expect(resumed.rows.every((row) => Number(row.call_id) > (middleState.consecutive?.afterCallId ?? 0))).toBe(true);
    expect(resumed.finalState).toEqual(full.finalState);
  });
});

describe("consecutive export: robustness", () => {
  test("a body cut off mid-way is fetched again; the run delivers each call once", async () => {
    const voicegain = await emulator({ seed: 24, callCount: 120, inFlight: 0 });
    const settings = {
      token: voicegain.token,
      fromTime: "2024-05-01T00:00:00Z",
      baseUrl: voicegain.apiUrl,
      format: "csv",
      perPage: 60,
      timeZone: "UTC",
      rateLimit: false,
    } as const;
    const clean = await readSource(settings);
    voicegain.clearRequests();
    voicegain.injectFault({
      kind: "cut",
      afterBytes: 20_000,
      match: (request) => request.query.afterCallId?.[0] !== "0",
    });
    const cut = await readSource(settings);
    expect(cut.rows).toEqual(clean.rows);
    expect(cut.progress.some((event) => event.kind === "waiting" && /could not be read/.test(event.reason))).toBe(true);
    expect(voicegain.requests()).toHaveLength(3);
  });

  test("a later run with nothing new asks once and keeps its state", async () => {
    const voicegain = await emulator({ seed: 25, callCount: 50, inFlight: 0 });
    const settings = {
      token: voicegain.token,
      fromTime: "2024-05-01T00:00:00Z",
      baseUrl: voicegain.apiUrl,
      perPage: 100,
      rateLimit: false,
    } as const;
    const first = await readSource(settings);
    voicegain.clearRequests();
    const again = await readSource(settings, first.finalState);
    expect(again.rows).toEqual([]);
    expect(again.finalState).toEqual(first.finalState);
    expect(voicegain.requests()).toHaveLength(1);
  });

  test("every request sends fromTime (default: the vendor script's 2024-08-01) and toTime=2525-01-01T00:00:00Z", async () => {
    const voicegain = await emulator({ seed: 27, callCount: 20, inFlight: 0 });
    await readSource({ token: voicegain.token, baseUrl: voicegain.apiUrl, rateLimit: false });
    const sent = voicegain.requests().map((request) => [request.query.fromTime, request.query.toTime]);
    expect(sent.length).toBeGreaterThan(0);
    for (const times of sent) expect(times).toEqual([["2024-08-01T00:00:00Z"], ["2525-01-01T00:00:00Z"]]);
  });

  test("against a server whose default range is 2 hours, a configured start still gets calls spanning 17 hours", async () => {
    // The emulator's calls start 2024-05-01T12:00Z and span about 17 hours; a request that leaves toTime out gets
    // only the 2 hours after fromTime.
    const voicegain = await emulator({ seed: 28, callCount: 400, inFlight: 0, defaultWindowHours: 2 });
    const read = await readSource({
      token: voicegain.token,
      fromTime: "2024-05-01T00:00:00Z",
      baseUrl: voicegain.apiUrl,
      perPage: 100,
      rateLimit: false,
    });
    expect(read.rows.map((row) => row.call_id)).toEqual(voicegain.calls().map((call) => Number(call.callId)));
    expect(read.rows).toHaveLength(400);
    expect(voicegain.requests().every((request) => request.query.toTime?.[0] === "2525-01-01T00:00:00Z")).toBe(true);
  });

  test("agent filters are sent as repeated agentId keys and only those agents' calls come back", async () => {
    const voicegain = await emulator({ seed: 26, callCount: 200, inFlight: 0, basePath: "/ascalon-web-api" });
    const agents = voicegain.generator.agents.slice(0, 2).map((agent) => agent.agentId as string);
    // An Edge base URL, and a token pasted with its `Bearer ` prefix.
    const read = await readSource({
      token: `Bearer ${voicegain.token}`,
      fromTime: "2024-05-01T00:00:00Z",
      baseUrl: voicegain.apiUrl,
      agentIds: agents,
      rateLimit: false,
    });
    expect(voicegain.requests()[0]?.path).toBe("/ascalon-web-api/sa/call");
    expect(voicegain.requests()[0]?.query.agentId).toEqual(agents);
    const expected = voicegain.calls().filter((call) => agents.includes(call.agent?.agentId ?? ""));
    expect(read.rows.map((row) => row.call_id)).toEqual(expected.map((call) => Number(call.callId)));
    expect(expected.length).toBeGreaterThan(5);
  });
});
