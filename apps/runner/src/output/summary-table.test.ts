import { expect, test } from "vitest";
import { formatSummary } from "./summary-table.ts";

test("the closing FAILED line redacts its error the way the log does", () => {
  const error = new Error("the vendor echoed authorization: Bearer eyJhbGciOi.leaked.sig back");
  const text = formatSummary([{ loadId: "L1", sourceName: "calls", status: "failed", streams: [], error }]);
  expect(text).toContain("FAILED calls (load L1): the vendor echoed authorization: [REDACTED] back");
  expect(text).not.toContain("eyJhbGciOi");
});
