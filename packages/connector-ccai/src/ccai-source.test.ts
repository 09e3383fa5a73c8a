import type { ProgressEvent } from "@parley/core";
import { type CcaiEmulator, createCcaiEmulator, toCcaiBigQueryRow } from "@parley/sandbox/ccai";
import { afterEach, describe, expect, test } from "vitest";
import { names, readSource } from "./__fixtures__/read-source.ts";
import { createCcaiSource } from "./ccai-source.ts";

const token = "ccai-source-test-token";
const seedFilter =
  'create_time>"2021-01-01T00:00:00-08:00" create_time<"2021-01-02T00:00:00-08:00" agent_id="007" turn_count>="10"';
const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const item of open.splice(0).reverse()) await item.close();
});

async function emulator(conversations = 300): Promise<CcaiEmulator> {
  const started = await createCcaiEmulator({
    seed: 3,
    conversations,
    baseTime: "2021-01-01T00:00:00Z",
    clock: "frozen",
    clockStart: "2021-01-10T00:00:00Z",
    tokens: [token],
  });
  open.push(started);
  return started;
}

function source(ccai: CcaiEmulator, settings: Record<string, unknown> = {}) {
  const created = createCcaiSource({ project: "parley-sandbox", baseUrl: ccai.url, accessToken: token, ...settings });
  open.push(created);
  return created;
}

const listFilters = (ccai: CcaiEmulator) =>
  ccai
    .requests()
    .filter((request) => request.path.endsWith("/conversations"))
    .map((request) => request.query.filter);
const ms = (time: string) => Date.parse(time);
const upperBound = (ccai: CcaiEmulator) => new Date(ccai.clock.now().getTime() - 120_000).toISOString();

describe("ccai source against the emulator", () => {
  test("sends the seed's filter unchanged, ANDed with the frozen bound, then with the watermark", async () => {
    const ccai = await emulator();
    const now = () => ccai.clock.now();
    const expected = ccai
      .conversations()
      .filter((conversation) => {
        const created = conversation.createTimeMicros / 1000;
        return created > ms("2021-01-01T08:00:00Z") && created < ms("2021-01-02T08:00:00Z");
      })
      .filter((conversation) => conversation.agentId === "007" && conversation.turnCount >= 10)
      .map((conversation) => `${ccai.parent}/conversations/${conversation.id}`);
    expect(expected.length).toBeGreaterThan(3);

    const first = await readSource(source(ccai, { filter: seedFilter, pageSize: 5 }), { now });
    const firstBound = upperBound(ccai);
    expect(new Set(listFilters(ccai))).toEqual(new Set([`${seedFilter} update_time<="${firstBound}"`]));
    expect(ccai.requests().every((request) => request.authorization === `Bearer ${token}`)).toBe(true);
    expect(names(first).sort()).toEqual([...expected].sort());
    const watermark = (first.records.get("conversations") ?? [])
      .map((record) => (record.rawConversation as { updateTime: string }).updateTime)
      .sort((a, b) => ms(a) - ms(b))
      .at(-1);
    expect(first.state.get("conversations")).toEqual({ watermark, pass: null });

    const changed = expected[1] as string;
    ccai.reanalyze(changed);
    ccai.clock.advance(600_000);
    const requestsBefore = ccai.requests().length;
    const second = await readSource(source(ccai, { filter: seedFilter, pageSize: 5 }), { now, state: first.state });
    const secondFilters = listFilters(ccai).slice(listFilters(ccai).length - (ccai.requests().length - requestsBefore));
    expect(secondFilters).toEqual([`${seedFilter} update_time>"${watermark}" update_time<="${upperBound(ccai)}"`]);
    expect(names(second)).toEqual([changed]);
    const row = second.records.get("conversations")?.[0];
    const latest = ccai.conversation(changed).analyses.at(-1);
    expect(row?.analysisTimestampUtc).toBe(Math.floor((latest?.createTimeMicros ?? 0) / 1_000_000));
  });

  test("parenthesises a filter with OR, and the API applies it as (a OR b) AND bound", async () => {
    const ccai = await emulator(120);
    const filter = 'medium="CHAT" OR turn_count>="25"';
    const result = await readSource(source(ccai, { filter, pageSize: 50 }), { now: () => ccai.clock.now() });
    expect(new Set(listFilters(ccai))).toEqual(new Set([`(${filter}) update_time<="${upperBound(ccai)}"`]));
    const expected = ccai.conversations().filter((item) => item.medium === "CHAT" || item.turnCount >= 25);
    expect(names(result).length).toBe(expected.length);
    expect(expected.length).toBeLessThan(120);
  });

  test("a killed run resumes without loss, and updates made during the run arrive with the next run", async () => {
    const ccai = await emulator(200);
    const now = () => ccai.clock.now();
    const all = ccai.conversations().map((item) => `${ccai.parent}/conversations/${item.id}`);
    const killed = await readSource(source(ccai, { pageSize: 25 }), { now, stopAfterCheckpoints: 3 });
    const delivered = names(killed);
    expect(delivered.length).toBe(75);
    const early = delivered[0] as string;
    const late = all.find((name) => !delivered.includes(name)) as string;
    ccai.touch(early);
    ccai.touch(late);
    const resumed = await readSource(source(ccai, { pageSize: 25 }), { now, state: killed.state });
    ccai.clock.advance(600_000);
    const next = await readSource(source(ccai, { pageSize: 25 }), { now, state: resumed.state });
    expect(names(next).sort()).toEqual([early, late].sort());
    expect(new Set([...delivered, ...names(resumed), ...names(next)]).size).toBe(all.length);
    const again = await readSource(source(ccai, { pageSize: 25 }), { now, state: next.state });
    expect(names(again)).toEqual([]);
  });

  test("a stored page token the API refuses restarts the pass under the same bound", async () => {
    const ccai = await emulator(60);
    const bound = upperBound(ccai);
    const state = { watermark: null, pass: { upperBound: bound, pageToken: "stale-token", maxSeen: null, pages: 2 } };
    const result = await readSource(source(ccai, { pageSize: 25 }), {
      now: () => ccai.clock.now(),
      state: new Map([["conversations", state]]),
    });
    expect(new Set(names(result)).size).toBe(60);
    expect(ccai.requests().map((request) => [request.status, request.query.pageToken ?? ""])[0]).toEqual([
      400,
      "stale-token",
    ]);
    expect(ccai.requests()[1]?.query.pageToken).toBeUndefined();
  });

  test("rows equal the emulator's BigQuery export rows for every shared column", async () => {
    const ccai = await emulator(150);
    const result = await readSource(source(ccai, { pageSize: 100 }), { now: () => ccai.clock.now() });
    const rows = result.records.get("conversations") ?? [];
    expect(rows.length).toBe(150);
    expect(result.rejects).toEqual([]);
    for (const row of rows) {
      const exported = toCcaiBigQueryRow(
        ccai.conversation(String(row.conversationName)),
        ccai.parent,
        "v4",
      ) as unknown as Record<string, unknown>;
      const { agentId: _agentId, dialogflowConversationProfileId: _profile, ...shared } = exported;
      // Through JSON, as both reach a warehouse: the emulator's records hold -0 where Google's JSON can only say 0.
      const json = (value: unknown) => JSON.parse(JSON.stringify(value ?? null));
      for (const [column, value] of Object.entries(shared))
        expect(json(row[column]), `${row.conversationName} ${column}`).toEqual(json(value));
    }
  });

  test("proto3 omitted defaults load as defaults", async () => {
    const ccai = await emulator(300);
    const rows = (await readSource(source(ccai), { now: () => ccai.clock.now() })).records.get("conversations") ?? [];
    const byId = (predicate: (item: ReturnType<CcaiEmulator["conversations"]>[number]) => boolean) => {
      const found = ccai.conversations().find(predicate);
      expect(found).toBeDefined();
      return rows.find((row) => String(row.conversationName).endsWith(`/${found?.id}`)) as Record<string, unknown>;
    };
    const zeroTurns = byId((item) => item.turnCount === 0);
    expect([
      zeroTurns.turnCount,
      zeroTurns.durationNanos,
      "turnCount" in (zeroTurns.rawConversation as object),
    ]).toEqual([0, 0, false]);
    const unspecified = byId((item) => item.medium === "MEDIUM_UNSPECIFIED");
    expect(unspecified.medium).toBe("MEDIUM_UNSPECIFIED");
    const mono = byId((item) => item.callMetadata === undefined && item.medium !== "CHAT" && item.analyses.length > 0);
    expect([mono.agentSentimentScore, mono.clientSentimentScore, typeof mono.silencePercentage]).toEqual([
      null,
      null,
      "number",
    ]);
    const unanalysed = byId((item) => item.analyses.length === 0);
    expect([unanalysed.silenceNanos, unanalysed.analysisTimestampUtc, unanalysed.issues]).toEqual([null, null, []]);
  });

  test("includeTranscripts false lists BASIC; includeAnalyses reads every analysis", async () => {
    const ccai = await emulator(80);
    const result = await readSource(source(ccai, { includeTranscripts: false, includeAnalyses: true }), {
      now: () => ccai.clock.now(),
    });
    expect(
      new Set(
        ccai
          .requests()
          .filter((item) => item.path.endsWith("/conversations"))
          .map((item) => item.query.view),
      ),
    ).toEqual(new Set(["BASIC"]));
    expect(
      (result.records.get("conversations") ?? []).every((row) => row.sentences === null && row.transcript === null),
    ).toBe(true);
    const twice = ccai.conversations().find((item) => item.analyses.length === 2);
    const analyses = names(result, "analyses");
    expect(analyses.length).toBe(ccai.conversations().reduce((sum, item) => sum + item.analyses.length, 0));
    expect(analyses.filter((name) => name.includes(`/conversations/${twice?.id}/`)).length).toBe(2);
  });

  test("each page's progress reports the bytes of the conversation and analysis pages read for it", async () => {
    const ccai = await emulator(80);
    const pageEvents: ProgressEvent[] = [];
    await readSource(source(ccai, { includeAnalyses: true, pageSize: 30 }), {
      now: () => ccai.clock.now(),
      progress: (event) => {
        if (event.kind === "page") pageEvents.push(event);
      },
    });
    expect(pageEvents.length).toBe(3);
    // The clock is frozen, so asking the emulator again gives the same bodies the source read.
    let served = 0;
    for (const request of ccai.requests().filter((item) => item.method === "GET")) {
      const url = new URL(request.path, ccai.url);
      for (const [key, value] of Object.entries(request.query)) url.searchParams.set(key, value);
      const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
      served += (await response.arrayBuffer()).byteLength;
    }
    const reported = pageEvents.map((event) => (event.kind === "page" ? (event.bytes ?? 0) : 0));
    expect(reported.every((bytes) => bytes > 0)).toBe(true);
    expect(reported.reduce((sum, bytes) => sum + bytes, 0)).toBe(served);
  });
});
