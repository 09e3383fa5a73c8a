import { expect, test } from "vitest";
import { formatSummary } from "./summary-table.ts";

test("the closing FAILED line redacts its error the way the log does", () => {
  const error = new Error("the vendor echoed authorization: Bearer eyJhbGciOi.leaked.sig back");
  const text = formatSummary({
    results: [{ loadId: "L1", sourceName: "calls", status: "failed", streams: [], error }],
    locked: [],
    notStarted: [],
    stoppedBy: undefined,
  });
  expect(text).toContain("FAILED calls (load L1): the vendor echoed authorization: [REDACTED] back");
  expect(text).not.toContain("eyJhbGciOi");
});

const stream = {
  stream: "conversations",
  table: "ultimate_conversations",
  records: 10,
  rejects: 0,
  durationMs: 1000,
  stateBefore: null,
  stateAfter: null,
};

test("the closing line counts sources another run's lock refused, naming that run's load", () => {
  const text = formatSummary({
    results: [{ loadId: "L2", sourceName: "calls", status: "succeeded", streams: [stream] }],
    locked: [
      { source: "ultimate", loadId: "L0" },
      { source: "ccai", loadId: "L1" },
    ],
    notStarted: [],
    stoppedBy: undefined,
  });
  expect(text).toContain(
    "1 of 3 source(s) succeeded; 2 locked by another run (ultimate: load L0, ccai: load L1); 0 record(s) rejected.",
  );
});

test("a run a signal stopped says so and names the sources it did not start, even when the others succeeded", () => {
  const text = formatSummary({
    results: [{ loadId: "L1", sourceName: "ultimate", status: "succeeded", streams: [stream] }],
    locked: [],
    notStarted: ["voicegain", "ccai"],
    stoppedBy: "SIGINT",
  });
  expect(text).toContain(
    "1 of 3 source(s) succeeded; stopped by SIGINT: not started: voicegain, ccai; 0 record(s) rejected.",
  );
});
