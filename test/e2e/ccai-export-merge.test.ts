import type { Registry } from "@parley/runner";
import { createBigqueryEmulator } from "@parley/sandbox/bigquery";
import { ccaiExportTableFields, createCcaiEmulator } from "@parley/sandbox/ccai";
import { type BigquerySettings, bigquerySinkFactory, createBigquerySink } from "@parley/sink-bigquery";
import { OAuth2Client } from "google-auth-library";
import { afterEach, expect, test } from "vitest";
import { workspace } from "../support/cli-harness.ts";
import { runCliWith } from "../support/view-parity.ts";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const token = "ya29.merge-test-token";

/** The runner's registry with a BigQuery sink that signs in with a static token (the emulator accepts it). */
function registryWithTokenSink(): Registry {
  const authClient = new OAuth2Client();
  authClient.setCredentials({ access_token: token });
  // The other plugins (the ccai connector and its export) are found as installed packages, as the CLI does.
  return {
    sources: {},
    sinks: {
      bigquery: {
        ...bigquerySinkFactory,
        create: (config) => createBigquerySink({ ...(config as BigquerySettings), authClient }),
      },
    },
  };
}

test("parley export ccai with a BigQuery sink: export to staging, MERGE into the final table, watermark stored with it", async () => {
  const bigquery = await createBigqueryEmulator({ tokens: [token] });
  cleanups.push(() => bigquery.close());
  const ccai = await createCcaiEmulator({
    conversations: 12,
    baseTime: new Date(Date.now() - 2 * 86_400_000).toISOString(),
    exportPollsUntilDone: 1,
    clock: "frozen",
    // Google's export service writes the rows into the destination table (which must exist).
    bigQueryWriter: (destination, disposition, rows) =>
      bigquery.writeRows(
        { projectId: destination.projectId, datasetId: destination.dataset, tableId: destination.table },
        rows,
        disposition,
      ),
  });
  cleanups.push(() => ccai.close());
  const api = (path: string, body: unknown) =>
    fetch(`${bigquery.url}/bigquery/v2/projects/analytics/${path}`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
  expect(
    (await api("datasets", { datasetReference: { projectId: "analytics", datasetId: "contact_center" } })).status,
  ).toBe(200);
  for (const tableId of ["ccai_export", "ccai_export_staging"]) {
    const created = await api("datasets/contact_center/tables", {
      tableReference: { projectId: "analytics", datasetId: "contact_center", tableId },
      schema: { fields: ccaiExportTableFields("v4") },
    });
    expect(created.status, await created.text()).toBe(200);
  }

  const space = await workspace();
  cleanups.push(space.cleanup);
  const [, project, , location] = ccai.parent.split("/") as [string, string, string, string];
  const config = await space.writeConfig({
    sink: { type: "bigquery", projectId: "analytics", dataset: "contact_center", apiEndpoint: bigquery.url },
    sources: {
      insights: {
        type: "ccai",
        project,
        location,
        baseUrl: ccai.url,
        accessToken: token,
        exportToBigQuery: {
          projectId: "analytics",
          dataset: "contact_center",
          table: "ccai_export",
          stagingTable: "ccai_export_staging",
          writeDisposition: "WRITE_APPEND",
          pollIntervalSeconds: 0.01,
          bigQueryApiUrl: bigquery.url,
        },
      },
    },
  });
  const registry = registryWithTokenSink();
  const final = async () =>
    (
      await bigquery.query(
        "SELECT COUNT(*) AS n, COUNT(DISTINCT conversationName) AS names, MAX(conversationUpdateTimestampUtc) AS newest FROM `analytics.contact_center.ccai_export`",
      )
    ).rows?.[0];
  const watermark = async () =>
    (
      await bigquery.query(
        "SELECT JSON_VALUE(state, '$.watermark') AS watermark FROM `analytics.contact_center._parley_state` WHERE source = 'insights' AND stream = 'export'",
      )
    ).rows?.[0]?.[0];

  // First run: no watermark yet, so a full export into the final table; the watermark is its newest update time.
  const first = await runCliWith(registry, ["export", "ccai", "-c", config]);
  expect(first.code, first.stderr).toBe(0);
  expect(first.stdout).not.toContain("MERGE INTO");
  expect(await final()).toEqual(["12", "12", expect.any(String)]);
  const firstNewest = Number((await final())?.[2]);
  expect(await watermark()).toBe(new Date(firstNewest * 1000).toISOString().replace(".000Z", "Z"));

  // Two conversations change; the next run starts at the stored watermark, exports to staging and MERGEs.
  const [one, two] = ccai.conversations();
  // A day later: past every update time the emulator generated (some lie after its clock start).
  ccai.clock.advance(86_400_000);
  ccai.touch(one?.id as string);
  ccai.clock.advance(60_000);
  ccai.reanalyze(two?.id as string);
  const second = await runCliWith(registry, ["export", "ccai", "-c", config]);
  expect(second.code, second.stderr).toBe(0);
  expect(second.stderr).toContain("continuing after the stored watermark");
  expect(second.stdout).toContain("merged the staging table into the final table");
  const sent = ccai.exports().at(-1)?.request as { bigQueryDestination: { table: string }; writeDisposition: string };
  expect([sent.bigQueryDestination.table, sent.writeDisposition]).toEqual(["ccai_export_staging", "WRITE_TRUNCATE"]);
  const after = await final();
  expect([after?.[0], after?.[1]]).toEqual(["12", "12"]);
  expect(Number(after?.[2])).toBeGreaterThan(firstNewest);
  const stored = await watermark();
  expect(stored).toBe(new Date(Number(after?.[2]) * 1000).toISOString().replace(".000Z", "Z"));

  // The MERGE and the watermark are one transaction: when a statement of it fails, the watermark does not move.
  const sink = registry.sinks.bigquery?.create({
    projectId: "analytics",
    dataset: "contact_center",
    apiEndpoint: bigquery.url,
  } as never);
  if (sink?.executeWithState === undefined) throw new Error("the BigQuery sink stores state with statements");
  cleanups.push(() => sink.close());
  await expect(
    sink.executeWithState(
      ["UPDATE `analytics.contact_center.no_such_table` SET x = 1 WHERE TRUE"],
      { source: "insights", stream: "export", version: 1, value: { watermark: "2099-01-01T00:00:00Z" } },
      "atomicity-check",
    ),
  ).rejects.toThrow();
  expect(await watermark()).toBe(stored);
});
