import { afterEach, describe, expect, it } from "vitest";
import { type CcaiEmulator, type CcaiEmulatorOptions, createCcaiEmulator } from "./index.ts";

const headers = { authorization: "Bearer test-token", "content-type": "application/json" };
let emulator: CcaiEmulator | undefined;

/** The parts of Operation, ListOperations and error bodies these tests read. */
interface ApiJson {
  name: string;
  done?: boolean;
  metadata: { endTime?: string; partialErrors?: unknown[]; [field: string]: unknown };
  response: Record<string, string>;
  error: { code: number; status: string; message: string; details: { reason: string }[] };
  operations: { name: string }[];
  nextPageToken?: string;
}

afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

async function start(options: CcaiEmulatorOptions = {}): Promise<CcaiEmulator> {
  emulator = await createCcaiEmulator({ conversations: 40, clock: "frozen", ...options });
  return emulator;
}

async function exportData(target: CcaiEmulator, body: unknown) {
  const response = await fetch(`${target.url}/v1/${target.parent}/insightsdata:export`, {
    method: "POST",
    headers,
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as ApiJson };
}

async function poll(target: CcaiEmulator, name: string) {
  return (await (await fetch(`${target.url}/v1/${name}`, { headers })).json()) as ApiJson;
}

const destination = {
  bigQueryDestination: { projectId: "warehouse-project", dataset: "insights", table: "conversations" },
};

describe("ExportInsightsData request validation", () => {
  it.each([
    ["no destination", {}, "dataset is required"],
    ["no dataset", { bigQueryDestination: { table: "t" } }, "dataset is required"],
    ["bad dataset", { bigQueryDestination: { dataset: "my-dataset" } }, "Invalid BigQuery dataset"],
    ["bad project", { bigQueryDestination: { dataset: "d", projectId: "Bad_Project" } }, "project_id"],
    ["bad kms key", { ...destination, kmsKey: "projects/p/keyRings/r" }, "kms_key"],
    ["bad write disposition", { ...destination, writeDisposition: "WRITE_EMPTY" }, "write_disposition"],
    ["bad schema version", { ...destination, exportSchemaVersion: "EXPORT_V99" }, "export_schema_version"],
    ["unknown field", { ...destination, destinationTable: "x" }, 'Unknown name "destinationTable"'],
    ["unknown nested field", { bigQueryDestination: { dataset: "d", tableId: "t" } }, "at 'big_query_destination'"],
    ["wrong type", { ...destination, filter: 5 }, "'filter'"],
    ["bad filter", { ...destination, filter: "agent=007" }, "Invalid filter"],
    ["bad json", "{not json", "Invalid JSON payload"],
  ])("rejects %s with 400 INVALID_ARGUMENT", async (_, body, message) => {
    const target = await start();
    const { status, body: response } = await exportData(target, body);
    expect(status).toBe(400);
    expect(response.error.status).toBe("INVALID_ARGUMENT");
    expect(response.error.message).toContain(message);
    expect(target.exports()).toHaveLength(0);
  });

  it("accepts snake_case names, a versioned KMS key and enum numbers, and echoes the request", async () => {
    const target = await start();
    const { status, body } = await exportData(target, {
      big_query_destination: { project_id: "warehouse-project", dataset: "insights", table: "conversations" },
      filter: 'agent_id="007"',
      kms_key: "projects/p/locations/us/keyRings/r/cryptoKeys/k/cryptoKeyVersions/1",
      write_disposition: 2,
      export_schema_version: "EXPORT_V4",
    });
    expect(status).toBe(200);
    expect(body.name).toMatch(new RegExp(`^${target.parent}/operations/\\d+$`));
    expect(body).not.toHaveProperty("done");
    expect(body.metadata).toEqual({
      "@type": "type.googleapis.com/google.cloud.contactcenterinsights.v1.ExportInsightsDataMetadata",
      createTime: "2024-05-01T07:40:00Z",
      request: {
        parent: target.parent,
        bigQueryDestination: { projectId: "warehouse-project", dataset: "insights", table: "conversations" },
        filter: 'agent_id="007"',
        kmsKey: "projects/p/locations/us/keyRings/r/cryptoKeys/k/cryptoKeyVersions/1",
        writeDisposition: "WRITE_APPEND",
        exportSchemaVersion: "EXPORT_V4",
      },
    });
    const [record] = target.exports();
    expect(record?.conversationIds).toEqual(
      target
        .conversations()
        .filter((item) => item.agentId === "007")
        .map((item) => item.id),
    );
    expect(record?.request.writeDisposition).toBe("WRITE_APPEND");
  });

  it("checks that the dataset and table exist when the tables are configured", async () => {
    const target = await start({ existingBigQueryTables: ["warehouse-project.insights.conversations"] });
    expect((await exportData(target, destination)).status).toBe(200);
    const missingTable = await exportData(target, {
      bigQueryDestination: { ...destination.bigQueryDestination, table: "other" },
    });
    expect(missingTable.body.error.message).toContain("table");
    const missingDataset = await exportData(target, { bigQueryDestination: { dataset: "insights" } });
    expect(missingDataset.body.error.message).toContain("parley-sandbox:insights does not exist");
  });
});

describe("export operations", () => {
  it("finishes after the configured number of polls with a typed response", async () => {
    const target = await start({ exportPollsUntilDone: 3 });
    const { body } = await exportData(target, destination);
    expect(await poll(target, body.name)).not.toHaveProperty("done");
    expect(await poll(target, body.name)).not.toHaveProperty("done");
    target.clock.advance(90_000);
    const done = await poll(target, body.name);
    expect(done.done).toBe(true);
    expect(done.response).toEqual({
      "@type": "type.googleapis.com/google.cloud.contactcenterinsights.v1.ExportInsightsDataResponse",
    });
    expect(done).not.toHaveProperty("error");
    expect(done.metadata.endTime).toBe("2024-05-01T07:41:30Z");
  });

  it("can end with an error status or with partial errors", async () => {
    const target = await start({ exportPollsUntilDone: 1 });
    target.setExportOutcome({ kind: "error", status: "PERMISSION_DENIED", message: "No access to dataset insights." });
    const failed = await poll(target, (await exportData(target, destination)).body.name);
    expect(failed).toMatchObject({ done: true, error: { code: 7, message: "No access to dataset insights." } });
    expect(failed).not.toHaveProperty("response");
    target.setExportOutcome({
      kind: "partialErrors",
      errors: [{ status: "INTERNAL", message: "3 conversations failed." }],
    });
    const partial = await poll(target, (await exportData(target, destination)).body.name);
    expect(partial.done).toBe(true);
    expect(partial.response["@type"]).toContain("ExportInsightsDataResponse");
    expect(partial.metadata.partialErrors).toEqual([{ code: 13, message: "3 conversations failed." }]);
  });

  it("lists operations newest first, cancels a running one and 404s an unknown one", async () => {
    const target = await start({ exportPollsUntilDone: 5 });
    const first = (await exportData(target, destination)).body.name;
    const second = (await exportData(target, destination)).body.name;
    const listed = (await (
      await fetch(`${target.url}/v1/${target.parent}/operations?pageSize=1`, { headers })
    ).json()) as ApiJson;
    expect(listed.operations.map((operation) => operation.name)).toEqual([second]);
    const rest = await fetch(
      `${target.url}/v1/${target.parent}/operations?pageSize=1&pageToken=${listed.nextPageToken}`,
      { headers },
    );
    expect(((await rest.json()) as ApiJson).operations[0]?.name).toBe(first);
    const cancel = await fetch(`${target.url}/v1/${first}:cancel`, { method: "POST", headers });
    expect(await cancel.json()).toEqual({});
    expect(await poll(target, first)).toMatchObject({ done: true, error: { code: 1 } });
    expect((await fetch(`${target.url}/v1/${target.parent}/operations/999`, { headers })).status).toBe(404);
  });

  it("allows 60 export requests per minute per project, then answers 429 until the window passes", async () => {
    const target = await start({ exportQuota: { limit: 3, windowMs: 60_000 } });
    for (let request = 0; request < 3; request += 1) expect((await exportData(target, destination)).status).toBe(200);
    const limited = await exportData(target, destination);
    expect(limited.status).toBe(429);
    expect(limited.body.error.status).toBe("RESOURCE_EXHAUSTED");
    expect(limited.body.error.details[0]?.reason).toBe("RATE_LIMIT_EXCEEDED");
    target.clock.advance(60_000);
    expect((await exportData(target, destination)).status).toBe(200);
    await target.close();
    const defaults = await start();
    for (let request = 0; request < 60; request += 1)
      expect((await exportData(defaults, destination)).status).toBe(200);
    expect((await exportData(defaults, destination)).status).toBe(429);
  });
});
