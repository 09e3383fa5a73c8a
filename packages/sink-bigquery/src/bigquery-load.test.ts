import type { StreamDefinition, TableTarget } from "@parley/core";
import { ConfigError } from "@parley/core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type BigqueryTestHarness, startBigqueryHarness } from "./__fixtures__/bigquery-test-harness.ts";
import { createBigquerySink } from "./bigquery-sink.ts";

let harness: BigqueryTestHarness;
beforeAll(async () => {
  harness = await startBigqueryHarness();
});
afterAll(() => harness.close());

const calls: StreamDefinition = {
  name: "calls",
  writeDisposition: "append",
  primaryKey: ["bot_id", "id"],
  eventTimeColumn: "ended_at",
  columns: [
    { name: "bot_id", type: "string", nullable: false },
    { name: "id", type: "string", nullable: false },
    { name: "ended_at", type: "timestamp" },
    { name: "score", type: "float" },
    { name: "payload", type: "json" },
  ],
};
const target: TableTarget = { table: "ultimate_calls", stream: calls };
const kmsKeyName = "projects/keys/locations/eu/keyRings/parley/cryptoKeys/tables";
const row = (id: string, ended_at = "2024-05-03T08:10:01Z") => ({
  bot_id: "b",
  id,
  ended_at,
  score: 0.5,
  payload: { turns: [id] },
});

function uploads(dataset: string) {
  return harness.emulator
    .requests()
    .filter(
      (request) =>
        request.path.startsWith("/upload/") && JSON.stringify(request.body).includes(`"datasetId":"${dataset}"`),
    )
    .map(
      (request) =>
        request.body as { configuration: { load: Record<string, unknown> }; jobReference: Record<string, unknown> },
    );
}

describe("load jobs", () => {
  test("a batch is loaded as newline-delimited JSON with an explicit schema and CMEK into a staging table; the data table is partitioned by day, clustered by key and encrypted", async () => {
    const settings = harness.settings({ location: "EU", kmsKeyName });
    const sink = createBigquerySink(settings);
    await sink.prepare([target]);
    await sink.writeBatch({
      loadId: "L1",
      loadedAt: "2026-01-02T03:04:05Z",
      source: "ultimate",
      target,
      rows: [row("1"), row("2")],
      rejects: [],
    });
    const [upload] = uploads(settings.dataset);
    const load = upload?.configuration.load as Record<string, unknown>;
    expect(String((load.destinationTable as { tableId: string }).tableId)).toMatch(/^_parley_stage_ultimate_calls_/);
    expect({ ...load, destinationTable: undefined }).toEqual({
      destinationTable: undefined,
      sourceFormat: "NEWLINE_DELIMITED_JSON",
      schema: {
        fields: [
          { name: "bot_id", type: "STRING", mode: "NULLABLE" },
          { name: "id", type: "STRING", mode: "NULLABLE" },
          { name: "ended_at", type: "TIMESTAMP", mode: "NULLABLE" },
          { name: "score", type: "FLOAT64", mode: "NULLABLE" },
          { name: "payload", type: "JSON", mode: "NULLABLE" },
        ],
      },
      writeDisposition: "WRITE_TRUNCATE",
      createDisposition: "CREATE_NEVER",
      destinationEncryptionConfiguration: { kmsKeyName },
    });
    expect(upload?.jobReference.location).toBeUndefined();
    const table = harness.emulator.table("parley-jobs", settings.dataset, "ultimate_calls");
    expect(table).toMatchObject({
      timePartitioning: { type: "DAY", field: "ended_at" },
      clustering: ["bot_id", "id"],
      kmsKeyName,
    });
    const job = harness.emulator
      .jobs()
      .find(
        (resource) =>
          JSON.stringify(resource).includes(settings.dataset) &&
          (resource.configuration as { jobType: string }).jobType === "LOAD",
      );
    expect(job?.jobReference).toMatchObject({ location: "EU" });
    expect(await sink.query("SELECT id, payload FROM `ultimate_calls` ORDER BY id")).toEqual([
      { id: "1", payload: { turns: ["1"] } },
      { id: "2", payload: { turns: ["2"] } },
    ]);
  });

  test("creates the dataset in its location with the CMEK key as default, in the dataset project while jobs run in the job project", async () => {
    const settings = harness.settings({
      datasetProjectId: "parley-data",
      location: "europe-west1",
      kmsKeyName: "projects/k/locations/europe-west1/keyRings/r/cryptoKeys/c",
    });
    const sink = createBigquerySink(settings);
    await sink.prepare([target]);
    const created = harness.emulator
      .requests()
      .find(
        (request) =>
          request.method === "POST" &&
          request.path === "/bigquery/v2/projects/parley-data/datasets" &&
          JSON.stringify(request.body).includes(settings.dataset),
      );
    expect(created?.body).toEqual({
      datasetReference: { projectId: "parley-data", datasetId: settings.dataset },
      location: "europe-west1",
      defaultEncryptionConfiguration: { kmsKeyName: "projects/k/locations/europe-west1/keyRings/r/cryptoKeys/c" },
    });
    await sink.writeBatch({
      loadId: "L1",
      loadedAt: "2026-01-02T03:04:05Z",
      source: "ultimate",
      target,
      rows: [row("1")],
      rejects: [],
    });
    const uploadPaths = harness.emulator
      .requests()
      .filter(
        (request) => request.path.startsWith("/upload/") && JSON.stringify(request.body).includes(settings.dataset),
      )
      .map((request) => request.path);
    expect(uploadPaths).toEqual(["/upload/bigquery/v2/projects/parley-jobs/jobs"]);
    expect(harness.emulator.table("parley-data", settings.dataset, "ultimate_calls")).toBeDefined();
    expect(await sink.query(`SELECT COUNT(*) AS n FROM \`parley-data.${settings.dataset}.ultimate_calls\``)).toEqual([
      { n: 1 },
    ]);
  });

  test("splits a batch into several load files by maxBatchBytes, staged and applied in one transaction", async () => {
    const settings = harness.settings({ maxBatchBytes: 1024 });
    const sink = createBigquerySink(settings);
    await sink.prepare([target]);
    const rows = Array.from({ length: 40 }, (_, index) => row(String(index).padStart(3, "0")));
    await sink.writeBatch({
      loadId: "L1",
      loadedAt: "2026-01-02T03:04:05Z",
      source: "ultimate",
      target,
      rows,
      rejects: [],
    });
    const loads = uploads(settings.dataset).map((upload) => upload.configuration.load);
    expect(loads.length).toBeGreaterThan(3);
    expect(
      loads.every((load) =>
        String((load.destinationTable as { tableId: string }).tableId).startsWith("_parley_stage_ultimate_calls_"),
      ),
    ).toBe(true);
    expect(loads.map((load) => load.writeDisposition)).toEqual([
      "WRITE_TRUNCATE",
      ...loads.slice(1).map(() => "WRITE_APPEND"),
    ]);
    expect(
      harness.emulator
        .requests()
        .filter((request) => request.path.startsWith("/upload/") && request.mediaBytes !== undefined)
        .every((request) => (request.mediaBytes ?? 0) <= 1024),
    ).toBe(true);
    expect(await sink.query("SELECT COUNT(DISTINCT id) AS n FROM `ultimate_calls`")).toEqual([{ n: 40 }]);
    const staging = [...new Set(loads.map((load) => (load.destinationTable as { tableId: string }).tableId))];
    expect(staging.map((table) => harness.emulator.table("parley-jobs", settings.dataset, table))).toEqual([undefined]);
  });

  test("adds a new column through tables.patch and names table and column on a type change", async () => {
    const settings = harness.settings();
    const sink = createBigquerySink(settings);
    await sink.prepare([target]);
    const evolved: TableTarget = {
      ...target,
      stream: { ...calls, columns: [...calls.columns, { name: "language", type: "string" }] },
    };
    await sink.prepare([evolved]);
    const patch = harness.emulator
      .requests()
      .find(
        (request) => request.method === "PATCH" && request.path.endsWith(`/${settings.dataset}/tables/ultimate_calls`),
      );
    expect(JSON.stringify(patch?.body)).toContain('{"name":"language","type":"STRING","mode":"NULLABLE"}');
    const changed: TableTarget = {
      ...target,
      stream: {
        ...calls,
        columns: calls.columns.map((column) => (column.name === "score" ? { ...column, type: "string" } : column)),
      },
    };
    await expect(sink.prepare([changed])).rejects.toMatchObject({
      code: "schema_incompatible",
      table: "ultimate_calls",
      column: "score",
    });
  });

  test("refuses a dataset that lives in another location, naming the setting", async () => {
    const settings = harness.settings({ location: "EU" });
    await createBigquerySink(settings).prepare([]);
    const error = await createBigquerySink({ ...settings, location: "US" })
      .prepare([])
      .catch((caught: unknown) => caught);
    expect(ConfigError.isInstance(error)).toBe(true);
    expect((error as ConfigError).issues[0]?.path).toBe("sink.location");
  });

  test("rejects invalid settings before any request", () => {
    const requestsBefore = harness.emulator.requests().length;
    expect(() => createBigquerySink({ projectId: "x", dataset: "bad-name", kmsKeyName: "key" })).toThrow(
      /projectId[\s\S]*dataset[\s\S]*kmsKeyName/,
    );
    expect(harness.emulator.requests().length).toBe(requestsBefore);
  });
});

describe("merge", () => {
  const merged: TableTarget = {
    table: "merged_calls",
    stream: { ...calls, writeDisposition: "merge", primaryKey: ["bot_id", "id"] },
  };
  const deletes = (dataset: string) =>
    harness.emulator
      .requests()
      .map((request) => JSON.stringify(request.body) ?? "")
      .filter((body) => body.includes("DELETE FROM") && body.includes(dataset) && body.includes("merged_calls"));

  test.each([
    ["partitions", true],
    ["table", false],
  ] as const)(
    "mergeScope %s: the delete by key is limited to the batch's event-time days: %s",
    async (mergeScope, scoped) => {
      const settings = harness.settings({ mergeScope });
      const sink = createBigquerySink(settings);
      await sink.prepare([merged]);
      const batch = (ids: string[]) => ({
        loadId: "L1",
        loadedAt: "2026-01-02T03:04:05Z",
        source: "ultimate",
        target: merged,
        rows: ids.map((id) => row(id, "2024-05-03T08:10:01Z")),
        rejects: [],
      });
      await sink.writeBatch(batch(["1", "2"]));
      await sink.writeBatch(batch(["2", "3"]));
      const [first] = deletes(settings.dataset);
      expect(first?.includes("TIMESTAMP '2024-05-03 00:00:00+00'")).toBe(scoped);
      expect(await sink.query("SELECT id FROM `merged_calls` ORDER BY id")).toEqual([
        { id: "1" },
        { id: "2" },
        { id: "3" },
      ]);
    },
  );
});
