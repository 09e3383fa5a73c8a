import { createVoicegainEmulator } from "@parley/sandbox/voicegain";
import { afterEach, describe, expect, test } from "vitest";
import { readSource } from "./__fixtures__/drive-source.ts";
import type { VoicegainState } from "./voicegain-state.ts";

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

async function setup() {
  // Calls from 2024-05-01T12:00Z, one every ~150 s: 400 calls span about 17 hours.
  const voicegain = await createVoicegainEmulator({ seed: 31, callCount: 400, inFlight: 3, rateLimits: false });
  stops.push(() => voicegain.close());
  const settings = {
    token: voicegain.token,
    baseUrl: voicegain.apiUrl,
    mode: "window",
    perPage: 25,
    timeZone: "America/Chicago",
    // Naive times in the account zone: 09:00 CDT May 1 to 06:00 CDT May 2 is 14:00Z to 11:00Z.
    fromTime: "2024-05-01T09:00:00",
    toTime: "2024-05-02T06:00:00",
    rateLimit: false,
  } as const;
  const inWindow = voicegain
    .calls()
    .filter(
      (call) => String(call.startTime) >= "2024-05-01T14:00:00Z" && String(call.startTime) <= "2024-05-02T11:00:00Z",
    );
  return { voicegain, settings, inWindow };
}

const consecutivePosition = { afterCallId: 10_050, filters: "agentId=*;queueId=*;aivrAppId=*;fromTime=*;toTime=*" };

describe("window mode", () => {
  test("exports the finished calls that started in the window, in UTC, and never touches the consecutive position", async () => {
    const { voicegain, settings, inWindow } = await setup();
    const read = await readSource(settings, { consecutive: consecutivePosition, window: null });
    const finished = inWindow.filter((call) => call.progressPhase === "DONE" || call.progressPhase === "ERROR");
    expect(read.rows.map((row) => row.call_id)).toEqual(finished.map((call) => Number(call.callId)));
    expect(finished.length).toBeGreaterThan(200);
    const request = voicegain.requests()[0];
    expect(request?.query).toMatchObject({
      fromTime: ["2024-05-01T14:00:00Z"],
      toTime: ["2024-05-02T11:00:00Z"],
      page: ["1"],
    });
    expect(request?.query.consecutive).toBeUndefined();
    expect(voicegain.requests().map((entry) => entry.query.page?.[0])).toEqual(
      Array.from({ length: Math.ceil(inWindow.length / 25) }, (_, index) => String(index + 1)),
    );
    for (const state of read.checkpoints) expect((state as VoicegainState).consecutive).toEqual(consecutivePosition);
    expect((read.finalState as VoicegainState).window).toMatchObject({
      complete: true,
      fromTime: "2024-05-01T14:00:00Z",
    });
    // The 3 calls still processing sit near the end, inside the window: left out, and said so.
    expect(inWindow.length - finished.length).toBe(3);
    expect(read.progress).toContainEqual(
      expect.objectContaining({ kind: "note", message: expect.stringContaining("3 call(s) still being processed") }),
    );

    // A consecutive run afterwards starts from its own position, not from anything the window run did.
    voicegain.clearRequests();
    await readSource({ ...settings, mode: "consecutive", fromTime: undefined, toTime: undefined }, read.finalState);
    expect(voicegain.requests()[0]?.query.afterCallId).toEqual(["10050"]);
  });

  test("an interrupted window resumes at its next page; a consecutive run's checkpoints keep the window part", async () => {
    const { settings, inWindow } = await setup();
    const full = await readSource(settings);
    const second = full.checkpoints[1] as VoicegainState;
    expect(second.window).toMatchObject({ nextPage: 3, complete: false });
    const resumed = await readSource(settings, second);
    const ids = [...full.rows.slice(0, 50), ...resumed.rows].map((row) => row.call_id);
    expect(ids).toEqual(full.rows.map((row) => row.call_id));
    expect(inWindow.length).toBeGreaterThan(50);

    const consecutive = await readSource(
      { ...settings, mode: "consecutive", fromTime: undefined, toTime: undefined, perPage: 500 },
      full.finalState,
    );
    for (const state of consecutive.checkpoints)
      expect((state as VoicegainState).window).toEqual((full.finalState as VoicegainState).window);
  });

  test("an open-ended window is pinned at its first start; a re-export after a QA review updates the same call_id", async () => {
    const { voicegain, settings } = await setup();
    const now = () => new Date("2024-05-01T20:00:00Z");
    const open = { ...settings, toTime: undefined };
    const first = await readSource(open, undefined, now);
    expect((first.finalState as VoicegainState).window?.toTime).toBe("2024-05-01T20:00:00Z");
    const target = first.rows.find((row) => row.progress_phase === "DONE" && row.score !== null) as Record<
      string,
      unknown
    >;
    voicegain.reviewCall(Number(target.call_id), { score: 12.5, reviewStatus: "reviewed" });
    const again = await readSource(open, first.finalState, now);
    const updated = again.rows.filter((row) => row.call_id === target.call_id);
    expect(updated).toHaveLength(1);
    expect(updated[0]).toMatchObject({ score: 12.5, review_status: "reviewed" });
    expect(again.rows.map((row) => row.call_id)).toEqual(first.rows.map((row) => row.call_id));
  });
});
