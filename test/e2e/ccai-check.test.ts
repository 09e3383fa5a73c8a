import { createBigqueryEmulator } from "@parley/sandbox/bigquery";
import { createCcaiEmulator } from "@parley/sandbox/ccai";
import { afterEach, expect, test } from "vitest";
import { parley, workspace } from "../support/cli-harness.ts";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const token = "ya29.check-token-0001";

test("parley check verifies that the export's final and staging tables exist in BigQuery, and says so", async () => {
  const ccai = await createCcaiEmulator({ conversations: 3 });
  cleanups.push(() => ccai.close());
  const bigquery = await createBigqueryEmulator({ tokens: [token] });
  cleanups.push(() => bigquery.close());
  const space = await workspace();
  cleanups.push(space.cleanup);
  const [, project, , location] = ccai.parent.split("/") as [string, string, string, string];
  const config = await space.writeConfig({
    sink: { type: "duckdb", path: space.databasePath },
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
          bigQueryApiUrl: bigquery.url,
        },
      },
    },
  });

  // The dataset exists, the tables do not yet: the export would fail, so the check does.
  const api = (path: string, body: unknown) =>
    fetch(`${bigquery.url}/bigquery/v2/projects/analytics/${path}`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
  expect(
    (await api("datasets", { datasetReference: { projectId: "analytics", datasetId: "contact_center" } })).status,
  ).toBe(200);
  const missing = await parley(["check", "-c", config]);
  expect(missing.code).toBe(1);
  expect(missing.stdout).toContain("source insights (ccai): FAILED");
  expect(missing.stdout).toContain(
    "exportToBigQuery.table: BigQuery table analytics.contact_center.ccai_export does not exist",
  );
  expect(missing.stdout).toContain(
    "exportToBigQuery.stagingTable: BigQuery table analytics.contact_center.ccai_export_staging does not exist",
  );

  for (const tableId of ["ccai_export", "ccai_export_staging"]) {
    const created = await api("datasets/contact_center/tables", {
      tableReference: { projectId: "analytics", datasetId: "contact_center", tableId },
      schema: { fields: [{ name: "conversationName", type: "STRING" }] },
    });
    expect(created.status).toBe(200);
  }
  const ready = await parley(["check", "-c", config]);
  expect(ready.code, ready.stdout).toBe(0);
  expect(ready.stdout).toContain("source insights (ccai): ok");
  expect(ready.stderr).toContain(
    "export destination ready: analytics.contact_center.ccai_export and analytics.contact_center.ccai_export_staging exist",
  );
  expect(ready.stderr).not.toContain(token);
});
