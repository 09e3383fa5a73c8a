import { createCcaiEmulator } from "@parley/sandbox/ccai";
import { afterEach, expect, test } from "vitest";
import { parley, workspace } from "../support/cli-harness.ts";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

test("parley export ccai sends the configured export, waits for the operation, reports partial errors and prints the MERGE", async () => {
  const emulator = await createCcaiEmulator({
    conversations: 20,
    exportPollsUntilDone: 2,
    exportOutcome: {
      kind: "partialErrors",
      errors: [{ status: "INVALID_ARGUMENT", message: "conversation c-7 could not be exported" }],
    },
  });
  cleanups.push(() => emulator.close());
  const space = await workspace();
  cleanups.push(space.cleanup);
  const [, project, , location] = emulator.parent.split("/") as [string, string, string, string];
  const config = await space.writeConfig({
    sink: { type: "duckdb", path: space.databasePath },
    sources: {
      insights: {
        type: "ccai",
        project,
        location,
        baseUrl: emulator.url,
        accessToken: "${CCAI_TOKEN}",
        exportToBigQuery: {
          projectId: "analytics-project",
          dataset: "contact_center",
          table: "ccai_export",
          stagingTable: "ccai_export_staging",
          writeDisposition: "WRITE_APPEND",
          kmsKey: "projects/kms-proj/locations/us/keyRings/r/cryptoKeys/k",
          pollIntervalSeconds: 0.01,
        },
      },
    },
  });
  // One window: the export splits [since, now] into windowDays (7) windows.
  const since = `${new Date(Date.now() - 3_600_000).toISOString().slice(0, 19)}Z`;
  const run = await parley(["export", "ccai", "-c", config, "--since", since], {
    CCAI_TOKEN: "ya29.sandbox-token-0001",
  });
  expect(run.stderr).not.toContain("ya29.sandbox-token-0001");
  expect(run.code, run.stderr).toBe(0);
  const [sent] = emulator.exports();
  expect(sent?.request).toMatchObject({
    bigQueryDestination: { projectId: "analytics-project", dataset: "contact_center", table: "ccai_export_staging" },
    kmsKey: "projects/kms-proj/locations/us/keyRings/r/cryptoKeys/k",
    writeDisposition: "WRITE_TRUNCATE",
  });
  expect(emulator.exports()).toHaveLength(1);
  expect(String((sent?.request as { filter?: string } | undefined)?.filter)).toContain(`update_time>="${since}"`);
  expect(run.stdout).toMatch(
    /operation projects\/.*\/operations\/.*: done, 1 partial error\(s\): .*c-7 could not be exported/,
  );
  expect(run.stdout).toMatch(/MERGE INTO `analytics-project\.contact_center\.ccai_export`/);
});

test("parley export names what is missing when the source has no export settings", async () => {
  const space = await workspace();
  cleanups.push(space.cleanup);
  const config = await space.writeConfig({
    sources: { insights: { type: "ccai", project: "my-project", accessToken: "t0ken-value" } },
  });
  const run = await parley(["export", "ccai", "-c", config]);
  expect(run.code).toBe(2);
  expect(run.stderr).toContain("exportToBigQuery: required for a native export");
});

test("parley export ccai refuses an incremental export without a staging table, and says how to configure one", async () => {
  const emulator = await createCcaiEmulator({ conversations: 5 });
  cleanups.push(() => emulator.close());
  const space = await workspace();
  cleanups.push(space.cleanup);
  const [, project, , location] = emulator.parent.split("/") as [string, string, string, string];
  const config = await space.writeConfig({
    sink: { type: "duckdb", path: space.databasePath },
    sources: {
      insights: {
        type: "ccai",
        project,
        location,
        baseUrl: emulator.url,
        accessToken: "ya29.sandbox-token-0002",
        exportToBigQuery: { dataset: "contact_center", writeDisposition: "WRITE_APPEND", pollIntervalSeconds: 0.01 },
      },
    },
  });
  const run = await parley(["export", "ccai", "-c", config, "--since", "2024-05-01T00:00:00Z"]);
  expect(run.code).toBe(2);
  expect(run.stderr).toContain("exportToBigQuery.stagingTable: required for an incremental export (--since)");
  expect(run.stderr).toContain("stagingTable: ccai_export_staging");
  expect(emulator.exports()).toHaveLength(0);
});
