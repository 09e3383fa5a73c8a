import { AuthError, ConfigError, silentLogger } from "@parley/core";
import type { UltimateEmulator } from "@parley/sandbox/ultimate";
import { afterEach, describe, expect, test } from "vitest";
import { keysOf, readSource, settingsFor, startEmulator } from "./__fixtures__/ultimate-harness.ts";
import { createUltimateSource } from "./ultimate-source.ts";

const emulators: UltimateEmulator[] = [];
afterEach(async () => {
  for (const emulator of emulators.splice(0)) await emulator.close();
});
async function emulator(options: Parameters<typeof startEmulator>[0] = {}): Promise<UltimateEmulator> {
  const started = await startEmulator(options);
  emulators.push(started);
  return started;
}
const read = async (settings: Record<string, unknown>, options: Parameters<typeof readSource>[1] = {}) => {
  const source = createUltimateSource(settings as never);
  try {
    return await readSource(source, options);
  } finally {
    await source.close();
  }
};
const days = (server: UltimateEmulator) =>
  server.requests
    .filter((request) => request.method === "POST")
    .map((request) => (JSON.parse(request.body) as { date: string }).date);

describe("ultimate source against the emulator", () => {
  test("v3 and v2 give one row shape: knowledge_* or llm_* counts, the customer count under one name", async () => {
    const server = await emulator();
    const settings = settingsFor(server, { startDate: "2024-06-18" }, 1);
    const v3 = await read(settings);
    const v2 = await read({ ...settings, apiVersion: "v2" });
    const botId = server.bots[0]?.id as string;
    const served = [...server.records(botId, "2024-06-18"), ...server.records(botId, "2024-06-19")];
    expect(v3.records.length).toBe(served.length);
    expect(keysOf(v2.records)).toEqual(keysOf(v3.records));
    expect(v3.records.map((row) => row.customer_messages_count)).toEqual(
      served.map((record) => Number(record.customer_messages_count)),
    );
    expect(v2.records.map((row) => row.customer_messages_count)).toEqual(
      v3.records.map((row) => row.customer_messages_count),
    );
    expect(
      v3.records.every(
        (row) =>
          typeof row.knowledge_fallback_count === "number" &&
          row.llm_fallback_count === null &&
          row.export_version === "v3",
      ),
    ).toBe(true);
    expect(
      v2.records.every(
        (row) =>
          typeof row.llm_fallback_count === "number" &&
          row.knowledge_fallback_count === null &&
          row.export_version === "v2",
      ),
    ).toBe(true);
    expect(v2.records.map((row) => row.messages_count_field)).toContain("visitor_messages_count");
    expect(v3.records.map((row) => row.export_date)).toEqual(
      served.map((record) => String(record.conversation_end_time).slice(0, 10)),
    );
    expect(server.requests.some((request) => request.path.includes("/data-export/v2/"))).toBe(true);
  });

  test("UPPER-CASE keys, conversations_data as a string under conversation_data, visitor_messages_count: the same rows", async () => {
    const plain = await read(settingsFor(await emulator(), { startDate: "2024-06-19" }, 1));
    const quirky = await read(
      settingsFor(
        await emulator({
          upperCaseKeys: true,
          conversationsData: "string",
          conversationsDataKey: "conversation_data",
          messagesCountKey: "visitor_messages_count",
        }),
        { startDate: "2024-06-19" },
        1,
      ),
    );
    expect(quirky.records.length).toBeGreaterThan(0);
    expect(quirky.records.map((row) => ({ ...row, messages_count_field: null }))).toEqual(
      plain.records.map((row) => ({ ...row, messages_count_field: null })),
    );
    expect(
      quirky.records.every((row) => typeof row.conversations_data === "object" && row.conversations_data !== null),
    ).toBe(true);
  });

  test("NDJSON, compact array and pretty array files, several files a day: the same rows, every file downloaded", async () => {
    const rows = [];
    for (const fileFormat of ["ndjson", "array", "array-pretty"] as const) {
      const server = await emulator({ fileFormat, filesPerDay: 3, conversationsPerDay: { min: 2, max: 9 } });
      rows.push((await read(settingsFor(server, { startDate: "2024-06-16" }))).records);
      expect(server.requests.filter((request) => request.method === "GET").length, fileFormat).toBe(2 * 4 * 3);
    }
    expect(rows[0]?.length).toBeGreaterThan(0);
    expect(rows[1]).toEqual(rows[0]);
    expect(rows[2]).toEqual(rows[0]);
  });

  test("a 404 day is 'no export': no records, a note, and the cursor moves past it", async () => {
    const server = await emulator({ bots: [{ id: "bbbbbbbbbbbbbbbbbbbbbbb1", name: "New", createdOn: "2024-06-18" }] });
    const result = await read(settingsFor(server, { startDate: "2024-06-15" }, 1));
    expect(new Set(result.records.map((row) => row.export_date))).toEqual(new Set(["2024-06-18", "2024-06-19"]));
    expect(result.notes.filter((note) => note.includes("no export (404)"))).toHaveLength(3);
    expect(result.checkpoints.at(-1)).toEqual({ bots: { bbbbbbbbbbbbbbbbbbbbbbb1: "2024-06-19" }, lookbackDays: 2 });
    expect(result.checkpoints[0]).toEqual({ bots: { bbbbbbbbbbbbbbbbbbbbbbb1: "2024-06-15" }, lookbackDays: 2 });
  });

  test("lookback: a day's file that grew after midnight is read again, and the late records arrive", async () => {
    const server = await emulator({ lateArrivals: { share: 0.3, settledAfterMinutes: 120 }, duplicatesPerDay: 1 });
    const settings = settingsFor(server, { startDate: "2024-06-18" }, 1);
    const botId = server.bots[0]?.id as string;
    server.setNow("2024-06-20T00:30:00Z");
    const early = await read(settings, { now: "2024-06-20T00:30:00Z" });
    server.setNow("2024-06-20T09:00:00Z");
    const settled = new Set(
      [...server.records(botId, "2024-06-19")].map((record) => `${botId}/${String(record.conversation_id)}`),
    );
    const earlyKeys = new Set(keysOf(early.records.filter((row) => row.export_date === "2024-06-19")));
    expect(earlyKeys.size).toBeLessThan(settled.size);
    const state = early.checkpoints.at(-1);
    expect(state).toEqual({ bots: { [botId]: "2024-06-19" }, lookbackDays: 2 });
    const later = await read(settings, { state, now: "2024-06-20T09:00:00Z" });
    expect(days(server).slice(-2)).toEqual(["2024-06-18", "2024-06-19"]);
    expect(new Set([...earlyKeys, ...keysOf(later.records.filter((row) => row.export_date === "2024-06-19"))])).toEqual(
      settled,
    );
    // Without a lookback the late records are never read.
    const none = await read({ ...settings, lookbackDays: 0 }, { state, now: "2024-06-20T09:00:00Z" });
    expect(none.records).toEqual([]);
  });

  test("explicit config wins over stored state: a startDate after the cursor is where reading starts", async () => {
    const server = await emulator();
    const settings = settingsFor(server, { startDate: "2024-06-18" }, 1);
    const botId = server.bots[0]?.id as string;
    await read(settings, { state: { bots: { [botId]: "2024-06-10" } } });
    expect(days(server)).toEqual(["2024-06-18", "2024-06-19"]);
    server.clearRequests();
    await read({ ...settings, startDate: "2024-06-01" }, { state: { bots: { [botId]: "2024-06-15" } } });
    expect(days(server)).toEqual(["2024-06-14", "2024-06-15", "2024-06-16", "2024-06-17", "2024-06-18", "2024-06-19"]);
  });

  test("endDate bounds the days; a bot added later starts at startDate while the others resume", async () => {
    const server = await emulator();
    const [first, second] = server.bots.map((bot) => bot.id) as [string, string];
    const result = await read(
      settingsFor(server, { startDate: "2024-06-15", endDate: "2024-06-17", lookbackDays: 0 }),
      { state: { bots: { [first]: "2024-06-16" } } },
    );
    expect(days(server)).toEqual(["2024-06-17", "2024-06-15", "2024-06-16", "2024-06-17"]);
    expect(result.checkpoints.at(-1)).toEqual({
      bots: { [first]: "2024-06-17", [second]: "2024-06-17" },
      lookbackDays: 0,
    });
  });

  test("401 is an AuthError naming the authorization header, never the key; downloads carry no credentials", async () => {
    const server = await emulator();
    const refused = await read(settingsFor(server, { token: "wrong-key-123456" })).catch((error: unknown) => error);
    expect(AuthError.isInstance(refused)).toBe(true);
    expect((refused as Error).message).toContain("authorization header");
    expect((refused as Error).message).not.toContain("wrong-key-123456");
    // The emulator, like one live client saw, refuses `Bearer <key>` (vendor-apis §3.2).
    const bearer = await read(settingsFor(server, { authScheme: "bearer" })).catch((error: unknown) => error);
    expect(AuthError.isInstance(bearer)).toBe(true);
    server.clearRequests();
    await read(settingsFor(server, { startDate: "2024-06-19" }, 1));
    const downloads = server.requests.filter((request) => request.method === "GET");
    expect(downloads.length).toBeGreaterThan(0);
    for (const download of downloads)
      expect([download.headers.authorization, download.headers.organizationid]).toEqual([undefined, undefined]);
    const posts = server.requests.filter((request) => request.method === "POST");
    expect(posts[0]?.headers).toMatchObject({
      authorization: server.apiKey,
      organizationid: server.organizationId,
      botid: server.bots[0]?.id,
    });
  });

  test("authScheme bearer sends `Bearer <key>` for APIs that want it", async () => {
    const server = await emulator({ refuseBearer: false });
    const result = await read(settingsFor(server, { authScheme: "bearer", startDate: "2024-06-19" }, 1));
    expect(result.records.length).toBeGreaterThan(0);
    expect(server.requests.find((request) => request.method === "POST")?.headers.authorization).toBe(
      `Bearer ${server.apiKey}`,
    );
  });

  test("v2: a startDate outside the 30-day window is a ConfigError naming startDate; check() proves the credentials", async () => {
    const server = await emulator();
    const error = await read(settingsFor(server, { apiVersion: "v2", startDate: "2024-05-01" })).catch(
      (caught: unknown) => caught,
    );
    expect(ConfigError.isInstance(error)).toBe(true);
    expect((error as ConfigError).issues.map((issue) => issue.path)).toEqual(["startDate"]);
    const source = createUltimateSource(settingsFor(server) as never);
    await source.check({ logger: silentLogger, signal: new AbortController().signal });
    await source.close();
    expect(server.requests.every((request) => request.method === "POST")).toBe(true);
  });
});
