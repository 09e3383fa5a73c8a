import { describe, expect, test } from "vitest";
import { type CsvTimeHint, createCsvCallReader } from "./voicegain-csv-calls.ts";
import { mapJsonCall } from "./voicegain-records.ts";
import { callsStream } from "./voicegain-streams.ts";

/** A CSV record read as its JSON call, then mapped by the calls mapping as every JSON call is. */
function csvRow(header: readonly string[], fields: readonly string[], zone = "UTC", hint?: CsvTimeHint) {
  const read = createCsvCallReader(header, zone, hint);
  if (read === undefined) throw new Error("no callId column");
  const call = read(fields);
  if (!call.ok) return call;
  const mapped = mapJsonCall(JSON.parse(call.json));
  return mapped.ok ? { ok: true, callId: mapped.callId, row: mapped.row, json: call.json } : mapped;
}

describe("CSV records as JSON calls", () => {
  test("columns by header name, renamed fields, pipe lists, markers with a literal null note and a comma", () => {
    const header = ["markers", "isCallResolved", "callId", "agent.id", "queue.id", "tags", "startTime", "endTime"];
    const mapped = csvRow(
      [...header, "duration", "score", "wordCloud", "dtmfEvents", "keywords", "queue.name", "unknown"],
      [
        "201897,CC_AGENT_ANSWER,null|179162,HOLD,note, with comma",
        "false",
        "14603",
        "436828",
        "873490",
        "C_Member||NEW_TAG",
        "05-12-2024 6:15:45 PM",
        "05-12-2024 6:20:30 PM",
        "285",
        "87.5",
        "email,20|a, b,3|lonely",
        "1200,5,left|1300,#,",
        "",
        "",
        "ignored",
      ],
      "America/Chicago",
    );
    expect(mapped).toMatchObject({
      ok: true,
      row: {
        call_id: 14603,
        agent_id: "436828",
        queue_id: "873490",
        queue_name: null,
        call_resolved: false,
        tags: ["C_Member", "", "NEW_TAG"],
        keywords: null,
        start_time: "2024-05-12T23:15:45.000Z",
        end_time: "2024-05-12T23:20:30.000Z",
        duration: 285,
        score: 87.5,
        markers: [
          { time: 201897, type: "CC_AGENT_ANSWER", note: null },
          { time: 179162, type: "HOLD", note: "note, with comma" },
        ],
        word_cloud: [
          { phrase: "email", freq: 20 },
          { phrase: "a, b", freq: 3 },
          { phrase: "lonely", freq: null },
        ],
        dtmf_events: [
          { dtmf: "5", timestamp: 1200, channel: "left" },
          { dtmf: "#", timestamp: 1300, channel: null },
        ],
        sentiments: null,
        spawned_calls: null,
      },
    });
    // Every declared column is present, so a CSV row and a JSON row have the same shape.
    if (mapped.ok)
      expect(Object.keys(mapped.row).sort()).toEqual(callsStream.columns.map((column) => column.name).sort());
  });

  test("values in their usual form are copied; others are read as the mapping reads them, then written", () => {
    const header = ["callId", "duration", "score", "sentiment", "isCallResolved", "originatingCallId", "notes"];
    const usual = csvRow(header, ["7", "-0", "0.50", "-1", "true", "12", 'say "hi"\n\\ é\u0000'], "UTC");
    expect(usual).toMatchObject({
      json: '{"callId":7,"duration":0,"sentiment":-1,"score":0.50,"notes":"say \\"hi\\"\\n\\\\ é\\u0000","callResolved":true,"originatingCallId":12}',
      row: { duration: 0, score: 0.5, sentiment: -1, call_resolved: true, originating_call_id: 12 },
    });
    const read = csvRow(header, ["7", "7.0", " 87.5", "1e3", "TRUE", "007", ""], "UTC");
    expect(read).toMatchObject({
      json: '{"callId":7,"duration":7,"sentiment":1000,"score":87.5,"callResolved":true,"originatingCallId":7}',
      row: { duration: 7, score: 87.5, sentiment: 1000, call_resolved: true, originating_call_id: 7, notes: null },
    });
  });

  test("a cell that cannot be read is a reject naming the CSV column, the first in reading order", () => {
    const header = ["callId", "duration", "startTime", "score", "isCallResolved", "markers", "wordCloud"];
    const row = (fields: string[]) => csvRow(header, fields);
    expect(row(["14603", "12"])).toEqual({ ok: false, callId: 14603, reason: "the line has 2 fields, the header 7" });
    expect(row(["x1", "", "", "", "", "", ""])).toEqual({
      ok: false,
      callId: undefined,
      reason: 'callId: "x1" is not a numeric id',
    });
    expect(row(["1", "12s", "May 12", "high", "", "", ""])).toEqual({
      ok: false,
      callId: 1,
      reason: 'duration: "12s" is not a number',
    });
    expect(row(["1", "7.5", "", "", "", "", ""])).toMatchObject({ reason: 'duration: "7.5" is not a whole number' });
    expect(row(["1", "", "May 12", "high", "", "", ""])).toMatchObject({
      reason: 'startTime: "May 12" is not a time like 05-12-2024 6:15:45 PM',
    });
    expect(row(["1", "", "12-31-9999 11:59:59 PM", "", "", "", ""])).toMatchObject({ ok: true });
    expect(csvRow(header, ["1", "", "12-31-9999 11:59:59 PM", "", "", "", ""], "America/Chicago")).toMatchObject({
      reason: 'startTime: "12-31-9999 11:59:59 PM" is not a time like 05-12-2024 6:15:45 PM',
    });
    expect(row(["1", "", "", "high", "yes", "", ""])).toMatchObject({ reason: 'score: "high" is not a number' });
    expect(row(["1", "", "", "", "yes", "", ""])).toMatchObject({
      reason: 'isCallResolved: "yes" is not true or false',
    });
    expect(row(["1", "", "", "", "", "5,HOLD,null|x,HOLD,null", "a,1"])).toMatchObject({
      reason: 'markers[1].time: "x" is not a number',
    });
    expect(row(["1", "", "", "", "", "", "a,1.5"])).toMatchObject({
      reason: 'wordCloud[0].freq: "1.5" is not a whole number',
    });
    expect(createCsvCallReader(["id", "duration"], "UTC")).toBeUndefined();
  });

  test("times in the hour DST repeats follow the previous call's start, across records; a skipped hour is read", () => {
    const header = ["callId", "startTime", "endTime", "duration"];
    const hint: CsvTimeHint = { lastStart: undefined };
    const starts = [
      ["1", "11-03-2024 1:40:00 AM", "11-03-2024 1:45:00 AM", "300"],
      ["2", "11-03-2024 1:10:00 AM", "11-03-2024 1:15:00 AM", "300"],
      ["3", "11-03-2024 1:50:00 AM", "11-03-2024 1:05:00 AM", "900"],
      ["4", "03-10-2024 2:30:00 AM", "", ""],
    ].map((fields) => {
      const mapped = csvRow(header, fields, "America/Chicago", hint);
      return mapped.ok ? [mapped.row.start_time, mapped.row.end_time] : mapped;
    });
    expect(starts).toEqual([
      ["2024-11-03T06:40:00.000Z", "2024-11-03T06:45:00.000Z"],
      // 1:10 after a call that started at 1:40 CDT is the second pass, CST.
      ["2024-11-03T07:10:00.000Z", "2024-11-03T07:15:00.000Z"],
      // The duration places start and end on different passes.
      ["2024-11-03T06:50:00.000Z", "2024-11-03T07:05:00.000Z"],
      ["2024-03-10T08:30:00.000Z", null],
    ]);
  });
});
