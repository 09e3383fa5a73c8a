import { createVoicegainEmulator, type VoicegainEmulatorOptions } from "@parley/sandbox/voicegain";
import { afterEach, describe, expect, test } from "vitest";
import { readSource } from "./__fixtures__/drive-source.ts";
import { mapJsonCall } from "./voicegain-records.ts";
import { voicegainJsonOnlyColumns } from "./voicegain-streams.ts";

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

async function bothFormats(options: VoicegainEmulatorOptions, perPage: number) {
  const emulator = await createVoicegainEmulator({
    rateLimits: false,
    shuffleCsvColumns: true,
    inFlight: 0,
    ...options,
  });
  stops.push(() => emulator.close());
  const base = {
    token: emulator.token,
    fromTime: "2024-05-01T00:00:00Z",
    baseUrl: emulator.apiUrl,
    perPage,
    timeZone: options.timeZone ?? "America/Chicago",
    rateLimit: false,
  } as const;
  const json = await readSource({ ...base, format: "json" });
  const csv = await readSource({ ...base, format: "csv" });
  return { emulator, json, csv };
}

describe("JSON and CSV exports load to the same rows", () => {
  test("2024-12 field set (seed 002's columns): identical rows, every column, across the night DST ends", async () => {
    // Calls every ~90 s from 04:00Z on Nov 3 2024: the repeated 1 AM hour in Chicago (06:00Z-08:00Z) is full of
    // calls, and pages of 40 split it, so the CSV time reading must stay right across page boundaries.
    const { emulator, json, csv } = await bothFormats(
      { seed: 11, callCount: 300, profile: "2024-12", firstStartTime: "2024-11-03T04:00:00Z", meanGapSeconds: 90 },
      40,
    );
    expect(json.rows).toHaveLength(300);
    expect(json.rejects).toEqual([]);
    expect(csv.rejects).toEqual([]);
    expect(csv.rows).toEqual(json.rows);
    const inRepeatedHour = json.rows.filter(
      (row) => String(row.start_time) >= "2024-11-03T06:00" && String(row.start_time) < "2024-11-03T08:00",
    );
    expect(inRepeatedHour.length).toBeGreaterThan(60);
    // Spot-check the stored values against the emulator's own records.
    const source = emulator.calls()[5];
    expect(csv.rows[5]).toMatchObject({
      call_id: Number(source?.callId),
      start_time: new Date(String(source?.startTime)).toISOString(),
    });
  });

  test("2026 field set: identical in every shared column; JSON-only columns are null from CSV", async () => {
    const { json, csv } = await bothFormats({ seed: 12, callCount: 250, timeZone: "Europe/Berlin" }, 100);
    expect(json.rows).toHaveLength(250);
    const shared = (row: Record<string, unknown>) =>
      Object.fromEntries(Object.entries(row).filter(([name]) => !voicegainJsonOnlyColumns.includes(name)));
    expect(csv.rows.map(shared)).toEqual(json.rows.map(shared));
    for (const row of csv.rows) for (const column of voicegainJsonOnlyColumns) expect(row[column]).toBeNull();
    expect(json.rows.some((row) => Array.isArray(row.sentiments))).toBe(true);
  });
});

describe("mapping", () => {
  test("JSON: callId as a string becomes an integer; renames, lists and markers are normalised", () => {
    const mapped = mapJsonCall({
      callId: "14603",
      startTime: "2024-05-12T23:15:45Z",
      agent: { agentId: "436828", email: "joe@example.com" },
      queue: { queueId: "873490", name: "Q-English" },
      callResolved: true,
      tags: ["C_Member", "V_Verified"],
      markers: [
        { time: 201897, type: "CC_AGENT_ANSWER" },
        { type: "HOLD", time: 5, note: "on hold" },
      ],
      spawnedCalls: ["14610"],
    });
    expect(mapped).toMatchObject({
      ok: true,
      callId: 14603,
      row: {
        call_id: 14603,
        start_time: "2024-05-12T23:15:45.000Z",
        agent_id: "436828",
        queue_id: "873490",
        call_resolved: true,
        tags: ["C_Member", "V_Verified"],
        markers: [
          { time: 201897, type: "CC_AGENT_ANSWER", note: null },
          { time: 5, type: "HOLD", note: "on hold" },
        ],
        spawned_calls: [14610],
      },
    });
    expect(mapJsonCall({ callId: 14603 })).toMatchObject({ ok: true, callId: 14603 });
  });

  test("JSON: unreadable values are rejects naming the field", () => {
    expect(mapJsonCall({ callId: "abc" })).toMatchObject({ ok: false, reason: expect.stringMatching(/callId/) });
    expect(mapJsonCall({ callId: "5", duration: "long" })).toEqual({
      ok: false,
      callId: 5,
      reason: 'duration: "long" is not a number',
    });
    expect(mapJsonCall({ callId: "5", startTime: "yesterday" })).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/startTime/),
    });
    expect(mapJsonCall("not a call")).toMatchObject({ ok: false });
  });
});
