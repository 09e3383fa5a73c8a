import { afterAll, beforeAll, expect, test } from "vitest";
import { createVoicegainEmulator, type VoicegainEmulator } from "./index.ts";

// Calls start 2024-05-01T12:00Z and span several hours; "now" falls among them, so the 6 hours before it hold some
// calls but not all. The other emulator tests turn the default range off to exercise other parameters; here it is
// on, as a connector meets it.
const nowMs = Date.parse("2024-05-01T20:00:00Z");
let emulator: VoicegainEmulator;
const ids = async (query: string): Promise<number[]> => {
  const response = await fetch(`${emulator.apiUrl}/sa/call?per_page=10000${query}`, {
    headers: { Authorization: `Bearer ${emulator.token}` },
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { callId: string }[]).map((call) => Number(call.callId));
};

beforeAll(async () => {
  emulator = await createVoicegainEmulator({
    seed: 9,
    callCount: 300,
    inFlight: 0,
    rateLimits: false,
    defaultWindowHours: 6,
    now: () => nowMs,
  });
});
afterAll(() => emulator.close());

const startMs = (call: { startTime?: string }) => Date.parse(call.startTime ?? "");
const idsWhere = (keep: (ms: number) => boolean) =>
  emulator
    .calls()
    .filter((call) => keep(startMs(call)))
    .map((call) => Number(call.callId));

test("both times given, as Voicegain's own export script sends them: every call", async () => {
  const all = emulator.calls().map((call) => Number(call.callId));
  expect(all.length).toBe(300);
  expect(await ids("&consecutive=true&fromTime=2024-05-01T00:00:00Z&toTime=2525-01-01T00:00:00Z")).toEqual(all);
});

test("neither time: only the default range before now, so old calls are missing", async () => {
  const recent = idsWhere((ms) => ms >= nowMs - 6 * 3_600_000 && ms <= nowMs);
  expect(await ids("&consecutive=true")).toEqual(recent);
  expect(recent.length).toBeGreaterThan(0);
  expect(recent.length).toBeLessThan(300);
});

test("fromTime alone: the default range after it, so later calls are missing", async () => {
  const from = Date.parse("2024-05-01T12:00:00Z");
  const first = idsWhere((ms) => ms >= from && ms <= from + 6 * 3_600_000);
  expect(await ids("&consecutive=true&fromTime=2024-05-01T12:00:00Z")).toEqual(first);
  expect(first.length).toBeGreaterThan(0);
  expect(first.length).toBeLessThan(300);
});

test("a period is its own range: no default applies", async () => {
  expect(await ids("&period=last30days")).toEqual(idsWhere((ms) => ms >= nowMs - 30 * 86_400_000 && ms <= nowMs));
});
