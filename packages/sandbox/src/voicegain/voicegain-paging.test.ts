import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createVoicegainEmulator, isTerminalPhase, type VoicegainCall, type VoicegainEmulator } from "./index.ts";

let emulator: VoicegainEmulator;

beforeEach(async () => {
  emulator = await createVoicegainEmulator({
    defaultWindowHours: false,
    seed: 11,
    callCount: 95,
    inFlight: 3,
    rateLimits: false,
  });
});
afterEach(() => emulator.close());

async function list(query: string): Promise<{ response: Response; calls: VoicegainCall[] }> {
  const response = await fetch(`${emulator.apiUrl}/sa/call${query}`, {
    headers: { Authorization: `Bearer ${emulator.token}` },
  });
  expect(response.status).toBe(200);
  return { response, calls: (await response.json()) as VoicegainCall[] };
}

async function csvPage(query: string): Promise<string> {
  const response = await fetch(`${emulator.apiUrl}/sa/call${query}&format=csv`, {
    headers: { Authorization: `Bearer ${emulator.token}` },
  });
  expect(response.status).toBe(200);
  return response.text();
}

/** Parses an RFC 5988 Link header into rel -> {page, per_page, other parameters}. */
function links(header: string | null): Record<string, URL> {
  const result: Record<string, URL> = {};
  for (const part of (header ?? "").split(/,\s*(?=<)/)) {
    const match = /^<([^>]+)>;\s*rel="(\w+)"$/.exec(part.trim());
    if (match?.[1] && match[2]) result[match[2]] = new URL(match[1]);
  }
  return result;
}

const pageOf = (url: URL | undefined): string | null | undefined => url?.searchParams.get("page");

describe("page/per_page paging (vendor-apis §2.4)", () => {
  it("returns a bare array, X-Total-Count and first/self/next/last on the first page", async () => {
    const { response, calls } = await list("?per_page=20&direction=inbound");
    const expected = emulator.calls().filter((call) => call.direction === "inbound");
    expect(response.headers.get("x-total-count")).toBe(String(expected.length));
    expect(Array.isArray(calls)).toBe(true);
    expect(calls).toEqual(expected.slice(0, 20));
    const rels = links(response.headers.get("link"));
    const last = String(Math.ceil(expected.length / 20));
    expect(Object.keys(rels)).toEqual(["first", "self", "next", "last"]);
    expect([pageOf(rels.first), pageOf(rels.self), pageOf(rels.next), pageOf(rels.last)]).toEqual([
      "1",
      "1",
      "2",
      last,
    ]);
    for (const url of Object.values(rels)) {
      expect(url.pathname).toBe("/v1/sa/call");
      expect(url.searchParams.get("per_page")).toBe("20");
      expect(url.searchParams.get("direction")).toBe("inbound");
    }
  });

  it("links prev and next on a middle page", async () => {
    const { response, calls } = await list("?per_page=20&page=3");
    expect(calls).toEqual(emulator.calls().slice(40, 60));
    const rels = links(response.headers.get("link"));
    expect(Object.keys(rels)).toEqual(["first", "prev", "self", "next", "last"]);
    expect([pageOf(rels.prev), pageOf(rels.self), pageOf(rels.next), pageOf(rels.last)]).toEqual(["2", "3", "4", "5"]);
  });

  it("has no next on the last page, which may be short", async () => {
    const { response, calls } = await list("?per_page=20&page=5");
    expect(calls).toEqual(emulator.calls().slice(80));
    expect(calls).toHaveLength(15);
    const rels = links(response.headers.get("link"));
    expect(Object.keys(rels)).toEqual(["first", "prev", "self", "last"]);
    expect(response.headers.get("x-total-count")).toBe("95");
  });

  it("answers an empty array past the end", async () => {
    const { response, calls } = await list("?per_page=20&page=9");
    expect(calls).toEqual([]);
    expect(response.headers.get("x-total-count")).toBe("95");
  });

  it("defaults to 50 per page in ascending callId", async () => {
    const { calls } = await list("");
    expect(calls.map((call) => call.callId)).toEqual(
      emulator
        .calls()
        .slice(0, 50)
        .map((call) => call.callId),
    );
  });
});

describe("consecutive export (seed 002)", () => {
  const blockIndex = (): number => emulator.calls().findIndex((call) => !isTerminalPhase(call.progressPhase));

  it("stops before the first call still being processed, and counts only that", async () => {
    const blocked = blockIndex();
    expect(blocked).toBeGreaterThan(80);
    const { response, calls } = await list("?consecutive=true&per_page=1000&afterCallId=0");
    expect(calls).toEqual(emulator.calls().slice(0, blocked));
    expect(response.headers.get("x-total-count")).toBe(String(blocked));
    // DONE calls after the blocking one exist, yet are held back.
    expect(
      emulator
        .calls()
        .slice(blocked)
        .some((call) => call.progressPhase === "DONE"),
    ).toBe(true);
  });

  it("follows the KB loop: constant afterCallId, increasing page, stop on an empty page", async () => {
    const exported: VoicegainCall[] = [];
    for (let page = 1; page < 50; page += 1) {
      const { calls } = await list(`?consecutive=true&per_page=10&afterCallId=0&page=${page}`);
      if (calls.length === 0) break;
      exported.push(...calls);
    }
    expect(exported).toEqual(emulator.calls().slice(0, blockIndex()));
  });

  it("releases held calls once processing finishes (PROCESSING -> DONE)", async () => {
    const firstRun = (await list("?consecutive=true&per_page=1000")).calls;
    const watermark = firstRun.at(-1)?.callId ?? "0";
    const waiting = emulator.calls().filter((call) => !isTerminalPhase(call.progressPhase));
    expect(waiting.length).toBe(3);
    expect(waiting[0]?.topics).toBeUndefined();

    const finished = emulator.advance();
    expect(finished[0]?.callId).toBe(waiting[0]?.callId);
    expect(isTerminalPhase(emulator.call(finished[0]?.callId ?? "")?.progressPhase)).toBe(true);
    const secondRun = (await list(`?consecutive=true&per_page=1000&afterCallId=${watermark}`)).calls;
    expect(secondRun[0]?.callId).toBe(waiting[0]?.callId);

    emulator.completeInFlight();
    const thirdRun = (await list(`?consecutive=true&per_page=1000&afterCallId=${watermark}`)).calls;
    expect(thirdRun).toEqual(emulator.calls().slice(firstRun.length));
    expect(thirdRun.every((call) => isTerminalPhase(call.progressPhase))).toBe(true);
  });

  it("holds back newly arrived calls until they finish", async () => {
    emulator.completeInFlight();
    const added = emulator.addCalls(4);
    expect(added.map((call) => call.progressPhase).every((phase) => !isTerminalPhase(phase))).toBe(true);
    const lastBefore = emulator.calls()[94]?.callId;
    const { calls } = await list(`?consecutive=true&afterCallId=${lastBefore}`);
    expect(calls).toEqual([]);
    emulator.advance(2);
    const released = (await list(`?consecutive=true&afterCallId=${lastBefore}`)).calls.map((call) => call.callId);
    expect(released).toEqual(added.slice(0, 2).map((call) => call.callId));
  });
});

describe("changes after export", () => {
  it("shows a QA review and a recompute on the next read", async () => {
    const target = emulator.calls().find((call) => call.progressPhase === "DONE");
    const page = `?afterCallId=${Number(target?.callId) - 1}&per_page=1`;
    // Read once before: what a page served earlier holds must not come back after the change, in either format.
    expect((await list(page)).calls[0]).toEqual(target);
    const csvBefore = await csvPage(page);
    const updated = emulator.reviewCall(target?.callId ?? "", {
      score: 42,
      reviewStatus: "reviewed",
      reviewNotes: 'Missed "verification", twice',
      topics: ["Refund"],
    });
    expect(updated).toMatchObject({ score: 42, reviewStatus: "reviewed", topics: ["Refund"] });
    expect(updated.lastRecomputeTime).toMatch(/Z$/);
    const { calls } = await list(page);
    expect(calls[0]).toEqual(updated);
    const csvAfter = await csvPage(page);
    expect(csvAfter).not.toBe(csvBefore);
    expect(csvAfter).toContain('"Missed ""verification"", twice"');
  });

  it("refuses to review a call that is not DONE", () => {
    const waiting = emulator.calls().find((call) => !isTerminalPhase(call.progressPhase));
    expect(() => emulator.reviewCall(waiting?.callId ?? "", { score: 1 })).toThrow(/not DONE/);
  });
});
