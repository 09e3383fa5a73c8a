import { HttpError, type StreamDefinition, type TableTarget } from "@parley/core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type BigqueryTestHarness, startBigqueryHarness } from "./__fixtures__/bigquery-test-harness.ts";
import { createBigquerySink } from "./bigquery-sink.ts";

let harness: BigqueryTestHarness;
beforeAll(async () => {
  harness = await startBigqueryHarness();
});
afterAll(() => harness.close());

const stream: StreamDefinition = {
  name: "calls",
  writeDisposition: "merge",
  primaryKey: ["id"],
  columns: [
    { name: "id", type: "string" },
    { name: "value", type: "integer" },
  ],
};
const target: TableTarget = { table: "calls", stream };
const batch = (rows: Record<string, unknown>[]) => ({
  loadId: "L1",
  loadedAt: "2026-01-02T03:04:05Z",
  source: "s",
  target,
  rows,
  rejects: [],
});

async function preparedSink(overrides = {}) {
  const sink = createBigquerySink(harness.settings(overrides));
  await sink.prepare([target]);
  harness.emulator.clearRequests();
  return sink;
}

describe("retries and failures", () => {
  test("a load job that ends with backendError is run again as a new job, and the batch lands once", async () => {
    const sink = await preparedSink();
    harness.emulator.failJobs({ reason: "backendError", type: "LOAD", count: 2 });
    await sink.writeBatch(batch([{ id: "1", value: 1 }]));
    const loads = harness.emulator.requests().filter((request) => request.path.startsWith("/upload/"));
    expect(loads).toHaveLength(3);
    const jobIds = loads.map((request) => (request.body as { jobReference: { jobId: string } }).jobReference.jobId);
    expect(new Set(jobIds).size).toBe(3);
    expect(await sink.query("SELECT id, value FROM `calls`")).toEqual([{ id: "1", value: 1 }]);
  });

  test("the transaction script is retried after rateLimitExceeded, and state is stored once", async () => {
    const sink = await preparedSink();
    harness.emulator.failJobs({ reason: "rateLimitExceeded", type: "QUERY", count: 1 });
    await sink.writeBatch({
      ...batch([{ id: "1", value: 1 }]),
      state: { source: "s", stream: "calls", version: 1, value: { cursor: 1 } },
    });
    const scripts = harness.emulator
      .requests()
      .filter(
        (request) =>
          request.method === "POST" &&
          request.path.endsWith("/jobs") &&
          JSON.stringify(request.body).includes("BEGIN TRANSACTION"),
      );
    expect(scripts).toHaveLength(2);
    expect((await sink.readState("s")).map((state) => state.value)).toEqual([{ cursor: 1 }]);
  });

  test("HTTP 503 on the upload and 429 on jobs.insert are retried (the client does not retry uploads)", async () => {
    const sink = await preparedSink();
    harness.emulator.injectFault({ status: 503, path: "/upload/", count: 2 });
    harness.emulator.injectFault({
      status: 429,
      method: "POST",
      path: /^\/bigquery\/v2\/projects\/[^/]+\/jobs$/,
      count: 1,
    });
    await sink.writeBatch(batch([{ id: "1", value: 1 }]));
    const statuses = harness.emulator
      .requests()
      .filter((request) => request.method === "POST" && request.path.endsWith("/jobs"))
      .map((request) => request.status);
    expect(statuses).toEqual([503, 503, 200, 429, 200]);
    expect(await sink.query("SELECT COUNT(*) AS n FROM `calls`")).toEqual([{ n: 1 }]);
  });

  test("a failed poll is asked again: the job is awaited, not run a second time", async () => {
    const sink = await preparedSink();
    harness.emulator.injectFault({ status: 503, method: "GET", path: /\/jobs\/parley_transaction_/, count: 1 });
    await sink.writeBatch({
      ...batch([{ id: "1", value: 1 }]),
      state: { source: "s", stream: "calls", version: 1, value: { cursor: 2 } },
    });
    const polls = harness.emulator
      .requests()
      .filter((request) => request.method === "GET" && request.path.includes("/jobs/parley_transaction_"));
    expect(polls.map((request) => request.status)).toEqual([503, 200]);
    const scripts = harness.emulator
      .requests()
      .filter((request) => request.method === "POST" && JSON.stringify(request.body).includes("BEGIN TRANSACTION"));
    expect(scripts).toHaveLength(1);
    expect((await sink.readState("s")).map((state) => state.value)).toEqual([{ cursor: 2 }]);
  });

  test("gives up after maxRetries with a retryable HttpError carrying BigQuery's reason", async () => {
    const sink = await preparedSink({ maxRetries: 2 });
    harness.emulator.failJobs({ reason: "backendError", type: "LOAD", count: 5 });
    const error = await sink.writeBatch(batch([{ id: "1", value: 1 }])).catch((caught: unknown) => caught);
    expect(HttpError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ isRetryable: true, attempts: 3, status: 500 });
    expect((error as HttpError).message).toMatch(/backendError/);
    harness.emulator.clearFaults();
  });

  test("a load job that fails on bad data surfaces BigQuery's row and field details in a typed error, without retrying", async () => {
    const sink = await preparedSink();
    const error = await sink
      .writeBatch(
        batch([
          { id: "1", value: 1 },
          { id: "2", value: "twelve" },
        ]),
      )
      .catch((caught: unknown) => caught);
    expect(HttpError.isInstance(error)).toBe(true);
    const failure = error as HttpError;
    expect(failure).toMatchObject({ status: 400, isRetryable: false, attempts: 1 });
    expect(failure.message).toMatch(/invalid: Error while reading data.*too many errors/);
    expect(failure.message).toMatch(
      /Could not convert value 'string_value: "twelve"' to integer\. Field: value; Value: twelve/,
    );
    expect(failure.message).toMatch(/Check the rows against the stream's columns/);
    expect(JSON.parse(failure.responseExcerpt ?? "[]")[0]).toMatchObject({ reason: "invalid" });
    expect(harness.emulator.requests().filter((request) => request.path.startsWith("/upload/"))).toHaveLength(1);
    expect(await sink.query("SELECT COUNT(*) AS n FROM `calls`")).toEqual([{ n: 0 }]);
  });

  test("a refused token is an AuthError naming where credentials come from", async () => {
    const { OAuth2Client } = await import("google-auth-library");
    const wrong = new OAuth2Client();
    wrong.setCredentials({ access_token: "wrong" });
    const error = await createBigquerySink(harness.settings({ authClient: wrong }))
      .prepare([])
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: "auth_failed", status: 401, credential: "application default credentials" });
  });
});
