import { createVoicegainEmulator } from "@parley/sandbox/voicegain";
import { afterEach, describe, expect, test } from "vitest";
import { parley, queryDuckdb, workspace } from "../support/cli-harness.ts";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const hint =
  "check the `token` setting (the Voicegain JWT, sent in the authorization header) (the value is not shown).";

describe("a Voicegain token the API refuses", () => {
  test("is named readably, the same way in the log, the summary, the ledger and `parley check`, never shown", async () => {
    const emulator = await createVoicegainEmulator({ seed: 5, callCount: 5, inFlight: 0, rateLimits: false });
    cleanups.push(() => emulator.close());
    const space = await workspace();
    cleanups.push(space.cleanup);
    const wrongToken = "wrong.jwt.refused-value-1234";
    const config = await space.writeConfig({
      sink: { type: "duckdb", path: space.databasePath },
      sources: {
        calls: {
          type: "voicegain",
          token: wrongToken,
          baseUrl: emulator.apiUrl,
          rateLimit: false,
          fromTime: "2000-01-01T00:00:00Z",
        },
      },
    });

    const sync = await parley(["sync", "-c", config]);
    const output = sync.stdout + sync.stderr;
    expect(sync.code, output).not.toBe(0);
    const hintLines = output.split("\n").filter((line) => line.includes("was refused with HTTP 401"));
    // The log line of the failure and the summary's closing FAILED line.
    expect(hintLines.length, output).toBeGreaterThanOrEqual(2);
    for (const line of hintLines) expect(line).toContain(hint);
    expect(output).not.toContain("[REDACTED]");
    expect(output).not.toContain(wrongToken);
    const [load] = await queryDuckdb(space.databasePath, "SELECT error FROM _parley_loads");
    expect(String(load?.error)).toContain(hint);

    const check = await parley(["check", "-c", config]);
    expect(check.code).not.toBe(0);
    expect(check.stdout + check.stderr).toContain(hint);
    expect(check.stdout + check.stderr).not.toContain(wrongToken);
  });
});
