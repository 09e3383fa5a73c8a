import { ConfigError, type ProgressEvent } from "@parley/core";
import { type CcaiEmulator, type CcaiEmulatorOptions, createCcaiEmulator } from "@parley/sandbox/ccai";
import { afterEach, describe, expect, test } from "vitest";
import type { CcaiSettings } from "./ccai-config.ts";
import { exportCcaiToBigQuery } from "./ccai-export.ts";
import { CcaiExportError } from "./ccai-export-error.ts";

const token = "ccai-export-test-token";
const kmsKey = "projects/keys-proj/locations/us/keyRings/insights/cryptoKeys/bq";
const running: CcaiEmulator[] = [];
afterEach(async () => {
  for (const emulator of running.splice(0)) await emulator.close();
});

async function emulator(options: CcaiEmulatorOptions = {}): Promise<CcaiEmulator> {
  const started = await createCcaiEmulator({
    seed: 5,
    conversations: 100,
    clock: "frozen",
    tokens: [token],
    ...options,
  });
  running.push(started);
  return started;
}

const settings = (
  ccai: CcaiEmulator,
  exportToBigQuery: Record<string, unknown>,
  extra: Record<string, unknown> = {},
): CcaiSettings => ({
  project: "insights-proj",
  baseUrl: ccai.url,
  accessToken: token,
  ...extra,
  exportToBigQuery: {
    dataset: "cx_data",
    writeDisposition: "WRITE_APPEND",
    pollIntervalSeconds: 0.01,
    ...exportToBigQuery,
  } as never,
});

describe("exportCcaiToBigQuery", () => {
  test("sends CMEK key, disposition, schema version, filter and another project; polls until done", async () => {
    const ccai = await emulator({ exportPollsUntilDone: 3 });
    const result = await exportCcaiToBigQuery(
      settings(
        ccai,
        { projectId: "warehouse-proj", table: "ccai_export", kmsKey, writeDisposition: "WRITE_TRUNCATE" },
        { filter: 'agent_id="007"' },
      ),
    );
    const [exported] = ccai.exports();
    expect(exported?.request).toEqual({
      parent: "projects/insights-proj/locations/us-central1",
      bigQueryDestination: { projectId: "warehouse-proj", dataset: "cx_data", table: "ccai_export" },
      filter: 'agent_id="007"',
      kmsKey,
      writeDisposition: "WRITE_TRUNCATE",
      exportSchemaVersion: "EXPORT_V4",
    });
    expect(ccai.requests().filter((request) => request.path.includes("/operations/")).length).toBe(3);
    expect(result.operations).toEqual([
      {
        name: exported?.operationName,
        filter: 'agent_id="007"',
        destination: { projectId: "warehouse-proj", dataset: "cx_data", table: "ccai_export" },
        writeDisposition: "WRITE_TRUNCATE",
        partialErrors: [],
      },
    ]);
    expect(result.mergeSql).toBeUndefined();
    expect(result.watermarkSql).toBe(
      "SELECT MAX(`conversationUpdateTimestampUtc`) AS watermark FROM `warehouse-proj.cx_data.ccai_export`",
    );
  });

  test("refuses to run without an explicit write disposition, naming the field", async () => {
    const ccai = await emulator();
    const { writeDisposition: _omitted, ...withoutDisposition } = settings(ccai, {}).exportToBigQuery ?? {};
    const error = await exportCcaiToBigQuery({
      ...settings(ccai, {}),
      exportToBigQuery: withoutDisposition,
    } as never).catch((caught: unknown) => caught);
    expect(ConfigError.isInstance(error)).toBe(true);
    expect((error as ConfigError).issues.map((issue) => issue.path)).toEqual(["exportToBigQuery.writeDisposition"]);
    expect(ccai.exports()).toEqual([]);
  });

  test("a failed operation is a CcaiExportError with the rpc code and message", async () => {
    const ccai = await emulator({
      exportOutcome: { kind: "error", status: "PERMISSION_DENIED", message: "BigQuery access denied" },
    });
    const error = await exportCcaiToBigQuery(settings(ccai, {})).catch((caught: unknown) => caught);
    expect(CcaiExportError.isInstance(error)).toBe(true);
    expect((error as CcaiExportError).rpcCode).toBe(7);
    expect((error as Error).message).toContain("BigQuery access denied");
    expect((error as CcaiExportError).isRetryable).toBe(false);
  });

  test("partial errors are reported and do not fail the export", async () => {
    const errors = [{ status: "INVALID_ARGUMENT" as const, message: "conversation 12 could not be exported" }];
    const ccai = await emulator({ exportOutcome: { kind: "partialErrors", errors } });
    const events: ProgressEvent[] = [];
    const result = await exportCcaiToBigQuery(settings(ccai, {}), { onProgress: (event) => events.push(event) });
    expect(result.operations[0]?.partialErrors).toEqual([
      { code: 3, message: "conversation 12 could not be exported" },
    ]);
    expect(events.some((event) => event.kind === "note" && event.message.includes("conversation 12"))).toBe(true);
  });

  test("a long range is split into windows; later windows append; every conversation is exported once", async () => {
    const ccai = await emulator({
      conversations: 300,
      baseTime: "2024-05-01T00:00:00Z",
      clockStart: "2024-05-04T00:00:00Z",
    });
    const result = await exportCcaiToBigQuery(
      settings(ccai, { startTime: "2024-05-01T00:00:00Z", windowDays: 1, writeDisposition: "WRITE_TRUNCATE" }),
      { now: () => ccai.clock.now() },
    );
    expect(result.operations.map((operation) => [operation.filter, operation.writeDisposition])).toEqual([
      ['create_time>="2024-05-01T00:00:00Z" create_time<"2024-05-02T00:00:00.000Z"', "WRITE_TRUNCATE"],
      ['create_time>="2024-05-02T00:00:00.000Z" create_time<"2024-05-03T00:00:00.000Z"', "WRITE_APPEND"],
      ['create_time>="2024-05-03T00:00:00.000Z"', "WRITE_APPEND"],
    ]);
    const exported = ccai.exports().flatMap((record) => record.conversationIds);
    expect(exported.length).toBe(300);
    expect(new Set(exported).size).toBe(300);
  });

  test("incremental: changed conversations go to the staging table, truncated, and the MERGE is returned", async () => {
    const ccai = await emulator();
    const result = await exportCcaiToBigQuery(settings(ccai, { stagingTable: "ccai_export_staging" }), {
      since: "2024-05-01T10:00:00Z",
      now: () => ccai.clock.now(),
    });
    expect(ccai.exports()[0]?.request).toMatchObject({
      bigQueryDestination: { dataset: "cx_data", table: "ccai_export_staging" },
      filter: 'update_time>="2024-05-01T10:00:00Z"',
      writeDisposition: "WRITE_TRUNCATE",
    });
    expect(result.mergeSql).toContain("MERGE INTO `insights-proj.cx_data.ccai_export` AS target");
    expect(result.mergeSql).toContain("SELECT * FROM `insights-proj.cx_data.ccai_export_staging`");
  });

  test("a 429 from the export quota is waited out and the export sent again", async () => {
    const ccai = await emulator({
      exportQuota: { limit: 1, windowMs: 60_000 },
      baseTime: "2024-05-01T00:00:00Z",
      clockStart: "2024-05-03T00:00:00Z",
    });
    const result = await exportCcaiToBigQuery(settings(ccai, { startTime: "2024-05-01T00:00:00Z", windowDays: 1 }), {
      now: () => ccai.clock.now(),
      // The emulator's quota window follows its frozen clock: move it on while the exporter waits.
      onProgress: (event) => {
        if (event.kind === "waiting" && event.reason.includes("429")) ccai.clock.advance(61_000);
      },
    });
    expect(result.operations.length).toBe(2);
    const posts = ccai.requests().filter((request) => request.method === "POST");
    expect(posts.map((request) => request.status)).toEqual([200, 429, 200]);
  });

  test("an export still running at the timeout is reported with its operation name", async () => {
    const ccai = await emulator({ exportPollsUntilDone: 1000 });
    const error = await exportCcaiToBigQuery(settings(ccai, { timeoutHours: 0.0001, pollIntervalSeconds: 0.05 })).catch(
      (caught: unknown) => caught,
    );
    expect(CcaiExportError.isInstance(error)).toBe(true);
    expect((error as CcaiExportError).operationName).toBe(ccai.exports()[0]?.operationName);
    expect((error as Error).message).toContain("still running");
  });
});
