import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createVoicegainEmulator,
  type VoicegainCall,
  type VoicegainEmulator,
  voicegainCsvColumns,
  ZoneClock,
} from "./index.ts";

/** A small RFC 4180 reader: quoted fields may hold commas, doubled quotes and line breaks. */
function readCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index];
    if (quoted) {
      if (char === '"' && text[index + 1] === '"') {
        field += '"';
        index += 1;
      } else if (char === '"') {
        quoted = false;
      } else {
        field += char;
      }
    } else if (char === '"') {
      quoted = true;
    } else if (char === ",") {
      row.push(field);
      field = "";
    } else if (char === "\r" || char === "\n") {
      if (char === "\r" && text[index + 1] === "\n") index += 1;
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
    } else {
      field += char;
    }
  }
  if (field !== "" || row.length > 0) rows.push([...row, field]);
  return rows;
}

/** Rows as records keyed by header name (column order is not promised). */
function records(text: string): Record<string, string>[] {
  const [header, ...rows] = readCsv(text);
  return rows.map((row) => Object.fromEntries((header ?? []).map((name, index) => [name, row[index] ?? ""])));
}

/** The vendor's CSV time, computed independently with Intl. */
function expectedTime(iso: string, timeZone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-US", {
      timeZone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "numeric",
      minute: "2-digit",
      second: "2-digit",
      hour12: true,
    })
      .formatToParts(new Date(iso))
      .map((part) => [part.type, part.value]),
  );
  return `${parts.month}-${parts.day}-${parts.year} ${parts.hour}:${parts.minute}:${parts.second} ${parts.dayPeriod}`;
}

const timeZone = "America/Chicago";
let emulator: VoicegainEmulator;

beforeAll(async () => {
  // Calls every ~10 minutes across the spring-forward night of 2024-03-10 in Chicago.
  emulator = await createVoicegainEmulator({
    defaultWindowHours: false,
    seed: 3,
    callCount: 150,
    firstStartTime: "2024-03-10T04:00:00Z",
    meanGapSeconds: 600,
    timeZone,
    rateLimits: false,
  });
});
afterAll(() => emulator.close());

async function csv(query: string, target = emulator): Promise<Response> {
  const response = await fetch(`${target.apiUrl}/sa/call?format=csv${query}`, {
    headers: { Authorization: `Bearer ${target.token}` },
  });
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toMatch(/^text\/csv/);
  return response;
}

function expectRowMatches(row: Record<string, string>, call: VoicegainCall): void {
  const text = (value: unknown): string => (value === undefined ? "" : String(value));
  expect(row.callId).toBe(call.callId);
  expect(row.notes).toBe(text(call.notes));
  expect(row.reviewNotes).toBe(text(call.reviewNotes));
  expect(row["agent.id"]).toBe(text(call.agent?.agentId));
  expect(row["agent.name"]).toBe(text(call.agent?.name));
  expect(row["queue.id"]).toBe(text(call.queue?.queueId));
  expect(row["queue.name"]).toBe(text(call.queue?.name));
  expect(row.isCallResolved).toBe(text(call.callResolved));
  expect(row.score).toBe(text(call.score));
  expect(row.sentiment).toBe(text(call.sentiment));
  expect(row.tags).toBe(call.tags?.join("|") ?? "");
  expect(row.topics).toBe(call.topics?.join("|") ?? "");
  expect(row.progressPhase).toBe(call.progressPhase);
  expect(row.markers).toBe(
    call.markers?.map((marker) => `${marker.time},${marker.type},${marker.note ?? "null"}`).join("|") ?? "",
  );
  expect(row.startTime).toBe(expectedTime(call.startTime ?? "", timeZone));
  expect(row.endTime).toBe(expectedTime(call.endTime ?? "", timeZone));
}

describe("CSV export (seed 002, vendor-apis §2.6)", () => {
  it("has the seed-002 header and round-trips notes with newlines, commas and quotes", async () => {
    const text = await (await csv("&per_page=200")).text();
    expect(readCsv(text)[0]).toEqual(voicegainCsvColumns);
    expect(voicegainCsvColumns).toContain("agent.id");
    expect(voicegainCsvColumns).toContain("isCallResolved");
    const rows = records(text);
    const calls = emulator.calls();
    expect(rows).toHaveLength(calls.length);
    for (const [index, row] of rows.entries()) expectRowMatches(row, calls[index] as VoicegainCall);
    expect(
      calls.some((call) => call.notes?.includes("\n") && call.notes.includes(",") && call.notes.includes('"')),
    ).toBe(true);
    expect(calls.some((call) => call.markers?.some((marker) => marker.note !== undefined))).toBe(true);
    expect(rows.some((row) => row.isCallResolved === "")).toBe(true);
  });

  it("formats times in the account zone across the DST change", async () => {
    const rows = records(await (await csv("&per_page=200")).text());
    const hours = new Set(rows.map((row) => row.startTime?.slice(11)));
    expect([...hours].some((time) => time?.startsWith("1:") && time.endsWith("AM"))).toBe(true);
    expect([...hours].some((time) => time?.startsWith("3:") && time.endsWith("AM"))).toBe(true);
    expect([...hours].some((time) => time?.startsWith("2:") && time.endsWith("AM"))).toBe(false);
  });

  it("answers a header-only body for an empty page", async () => {
    const text = await (await csv("&page=99")).text();
    expect(readCsv(text)).toEqual([voicegainCsvColumns]);
  });

  it("can shuffle the column order, values still found by header name", async () => {
    await using shuffled = await createVoicegainEmulator({
      defaultWindowHours: false,
      seed: 3,
      callCount: 20,
      timeZone,
      shuffleCsvColumns: true,
    });
    const text = await (await csv("", shuffled)).text();
    const header = readCsv(text)[0] ?? [];
    expect(header).not.toEqual(voicegainCsvColumns);
    expect([...header].sort()).toEqual([...voicegainCsvColumns].sort());
    for (const [index, row] of records(text).entries()) expectRowMatches(row, shuffled.calls()[index] as VoicegainCall);
  });
});

describe("ZoneClock", () => {
  const clock = new ZoneClock(timeZone);
  const format = (iso: string): string => clock.formatCsv(Date.parse(iso));

  it("formats MM-DD-YYYY h:mm:ss AM/PM like seed 002", () => {
    expect(format("2024-05-12T23:15:45Z")).toBe("05-12-2024 6:15:45 PM");
    expect(format("2024-05-12T05:00:00Z")).toBe("05-12-2024 12:00:00 AM");
    expect(format("2024-05-12T17:00:09Z")).toBe("05-12-2024 12:00:09 PM");
  });

  it("follows daylight saving time both ways", () => {
    expect(format("2024-03-10T07:59:59Z")).toBe("03-10-2024 1:59:59 AM");
    expect(format("2024-03-10T08:00:00Z")).toBe("03-10-2024 3:00:00 AM");
    expect(format("2024-11-03T06:30:00Z")).toBe("11-03-2024 1:30:00 AM");
    expect(format("2024-11-03T07:30:00Z")).toBe("11-03-2024 1:30:00 AM");
  });

  it("reads local times: the earlier instant in the overlap, the pre-change offset in the gap", () => {
    expect(new Date(clock.toEpoch(2024, 11, 3, 1, 30)).toISOString()).toBe("2024-11-03T06:30:00.000Z");
    expect(new Date(clock.toEpoch(2024, 3, 10, 2, 30)).toISOString()).toBe("2024-03-10T08:30:00.000Z");
    expect(new Date(clock.toEpoch(2024, 1, 15, 9)).toISOString()).toBe("2024-01-15T15:00:00.000Z");
  });
});

describe("files for the benchmark", () => {
  it("writes the calls as a JSON array, NDJSON and CSV", async () => {
    const directory = await mkdtemp(join(tmpdir(), "voicegain-files-"));
    try {
      const files = await emulator.writeFiles(directory);
      const calls = emulator.calls();
      expect(JSON.parse(await readFile(files.json, "utf8"))).toEqual(calls);
      const lines = (await readFile(files.ndjson, "utf8")).trimEnd().split("\n");
      expect(lines.map((line) => JSON.parse(line))).toEqual(calls);
      const rows = records(await readFile(files.csv, "utf8"));
      for (const [index, row] of rows.entries()) expectRowMatches(row, calls[index] as VoicegainCall);
      expect(rows).toHaveLength(calls.length);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });
});
