import { describeSourceConformance, type SourceHarness } from "@parley/core/testing";
import { createVoicegainEmulator } from "@parley/sandbox/voicegain";
import { voicegainSourceFactory } from "./voicegain-source.ts";

function harness(format: "json" | "csv"): SourceHarness {
  return {
    factory: voicegainSourceFactory,
    async start() {
      // 700 calls, 3 of them still processing near the end: the consecutive export stops before the first of those.
      const emulator = await createVoicegainEmulator({
        seed: 7,
        callCount: 700,
        rateLimits: false,
        shuffleCsvColumns: format === "csv",
      });
      const exportable = emulator
        .calls()
        .findIndex((call) => call.progressPhase !== "DONE" && call.progressPhase !== "ERROR");
      const settings = {
        token: emulator.token,
        fromTime: "2024-05-01T00:00:00Z",
        baseUrl: emulator.apiUrl,
        format,
        perPage: 100,
        timeZone: "America/Chicago",
        rateLimit: false,
      };
      return {
        settings,
        badCredentialSettings: { ...settings, token: "not-the-voicegain-jwt" },
        secrets: [emulator.token],
        expectedKeys: { calls: exportable },
        stop: () => emulator.close(),
      };
    },
    invalidSettings: [
      { settings: { token: "t0ken-value", perPage: 0 }, path: "perPage" },
      { settings: { token: "t0ken-value", format: "xml" }, path: "format" },
      { settings: { token: "t0ken-value", format: "csv" }, path: "timeZone" },
      { settings: { token: "t0ken-value", mode: "window" }, path: "fromTime" },
      { settings: { token: "t0ken-value", timeZone: "Mars/Olympus" }, path: "timeZone" },
      { settings: { baseUrl: "https://api.voicegain.ai/v1" }, path: "token" },
    ],
  };
}

describeSourceConformance("voicegain (json)", harness("json"));
describeSourceConformance("voicegain (csv)", harness("csv"));
