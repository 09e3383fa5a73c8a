import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type BigqueryEmulator, createBigqueryEmulator } from "./bigquery-emulator.ts";

let emulator: BigqueryEmulator;
beforeAll(async () => {
  emulator = await createBigqueryEmulator({ jobPollsUntilDone: 0 });
  await call("POST", "/bigquery/v2/projects/p/datasets", { datasetReference: { datasetId: "d" }, location: "EU" });
});
afterAll(() => emulator.close());

// Responses are read loosely on purpose: the tests assert their exact shape.
// biome-ignore lint/suspicious/noExplicitAny: see above
type Json = Record<string, any>;

async function call(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; json: Json; headers: Headers }> {
  const response = await fetch(`${emulator.url}${path}`, {
    method,
    headers: { authorization: "Bearer t", "content-type": "application/json", ...headers },
    ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, json: text === "" ? {} : JSON.parse(text), headers: response.headers };
}

const schema = {
  fields: [
    { name: "id", type: "STRING", mode: "REQUIRED" },
    { name: "n", type: "INT64" },
    { name: "happened", type: "TIMESTAMP" },
  ],
};
const load = (extra: Record<string, unknown>) => ({
  configuration: { load: { destinationTable: { projectId: "p", datasetId: "d", tableId: "t" }, ...extra } },
});

function multipart(metadata: unknown, data: string): { body: string; headers: Record<string, string> } {
  const boundary = "xyz";
  return {
    body: `--${boundary}\r\nContent-Type: application/json\r\n\r\n${JSON.stringify(metadata)}\r\n--${boundary}\r\nContent-Type: application/octet-stream\r\n\r\n${data}\r\n--${boundary}--`,
    headers: { "content-type": `multipart/related; boundary=${boundary}` },
  };
}

const upload = (metadata: unknown, data: string) => {
  const { body, headers } = multipart(metadata, data);
  return call("POST", "/upload/bigquery/v2/projects/p/jobs?uploadType=multipart", body, headers);
};

describe("request shapes", () => {
  test("an unknown sourceFormat is refused with BigQuery's error envelope", async () => {
    const response = await upload(load({ sourceFormat: "NEWLINE_JSON", schema }), "{}");
    expect(response.status).toBe(400);
    expect(response.json).toEqual({
      error: {
        code: 400,
        message:
          'Invalid value for sourceFormat: "NEWLINE_JSON" is not a valid value. Expected one of: CSV, NEWLINE_DELIMITED_JSON, AVRO, PARQUET, ORC, DATASTORE_BACKUP, ICEBERG, GOOGLE_SHEETS, BIGTABLE.',
        errors: [
          {
            reason: "invalid",
            message: expect.any(String),
            location: "job.configuration.load.sourceFormat",
            domain: "global",
            locationType: "other",
          },
        ],
        status: "INVALID_ARGUMENT",
      },
    });
  });

  test("a misspelled field is an unknown name; a documented but unimplemented one is refused as unsupported", async () => {
    const misspelled = await upload(load({ sourceFormt: "NEWLINE_DELIMITED_JSON", schema }), "{}");
    expect(misspelled.json.error.message).toBe(
      `Invalid JSON payload received. Unknown name "sourceFormt" at 'job.configuration.load': Cannot find field.`,
    );
    const csv = await upload(load({ sourceFormat: "CSV", schema }), "a,1");
    expect(csv.status).toBe(400);
    expect(csv.json.error.message).toMatch(/sourceFormat CSV is outside the emulator's supported subset/);
    const writeDisposition = await upload(
      load({ sourceFormat: "NEWLINE_DELIMITED_JSON", schema, writeDisposition: "APPEND" }),
      "{}",
    );
    expect(writeDisposition.json.error.errors[0].location).toBe("job.configuration.load.writeDisposition");
  });

  test("a load that must create its table without a schema fails as a job, as in BigQuery; tables.insert needs a schema here", async () => {
    const response = await upload(
      load({
        sourceFormat: "NEWLINE_DELIMITED_JSON",
        destinationTable: { projectId: "p", datasetId: "d", tableId: "no_schema" },
      }),
      '{"id":"a"}',
    );
    expect(response.status).toBe(200);
    expect(response.json.status).toEqual({
      state: "DONE",
      errorResult: { reason: "invalid", message: "No schema specified on job or table." },
      errors: [{ reason: "invalid", message: "No schema specified on job or table." }],
    });
    const table = await call("POST", "/bigquery/v2/projects/p/datasets/d/tables", { tableReference: { tableId: "x" } });
    expect(table.status).toBe(400);
  });

  test("unknown query parameters and undocumented routes are refused", async () => {
    expect((await call("GET", "/bigquery/v2/projects/p/datasets/d?view=FULL")).json.error.message).toMatch(
      /Unknown name "view"/,
    );
    expect((await call("GET", "/bigquery/v2/projects/p/datasets/d/things")).status).toBe(404);
    expect((await fetch(`${emulator.url}/bigquery/v2/projects/p/datasets/d`)).status).toBe(401);
  });
});

describe("loads, jobs and queries", () => {
  test("a resumable upload in two chunks loads rows with type conversion, and bad rows fail the job with row details", async () => {
    const start = await call(
      "POST",
      "/upload/bigquery/v2/projects/p/jobs?uploadType=resumable",
      load({ sourceFormat: "NEWLINE_DELIMITED_JSON", schema }),
    );
    const session = new URL(start.headers.get("location") as string);
    const data =
      '{"id":"a","n":"9007199254740993","happened":"2024-05-03 10:10:01.5+02:00"}\n{"id":"b","n":2,"happened":null}\n';
    const first = await call("PUT", `${session.pathname}${session.search}`, data.slice(0, 20), {
      "content-range": `bytes 0-19/${data.length}`,
    });
    expect(first.status).toBe(308);
    const done = await call("PUT", `${session.pathname}${session.search}`, data.slice(20), {
      "content-range": `bytes 20-${data.length - 1}/${data.length}`,
    });
    expect(done.json.statistics.load.outputRows).toBe("2");
    const result = await emulator.query("SELECT id, n, UNIX_MICROS(happened) AS micros FROM `p.d.t` ORDER BY id", "p");
    expect(result.rows).toEqual([
      ["a", "9007199254740993", "1714723801500000"],
      ["b", "2", null],
    ]);
    const bad = await upload(load({ sourceFormat: "NEWLINE_DELIMITED_JSON" }), '{"id":"c","n":"x"}\n{"n":1}\n');
    expect(bad.json.status.errors.map((error: { message: string }) => error.message)).toEqual([
      expect.stringMatching(/too many errors, giving up\. Rows: 2; errors: 2/),
      "Error while reading data, error message: JSON parsing error in row starting at position 0: Could not convert value 'string_value: \"x\"' to integer. Field: n; Value: x",
      "Error while reading data, error message: JSON parsing error in row starting at position 19: Missing required field: id.",
    ]);
  });

  test("a script's transaction rolls back on a failing statement; statements outside the subset are refused", async () => {
    const query = (sql: string) =>
      call("POST", "/bigquery/v2/projects/p/queries", { query: sql, useLegacySql: false, location: "EU" });
    const failed = await query(
      "BEGIN TRANSACTION; INSERT `p.d.t` (id, n) VALUES ('z', 1); INSERT INTO `p.d.t` (id, n) VALUES (NULL, 2); COMMIT TRANSACTION;",
    );
    expect(failed.status).toBe(400);
    expect((await query("SELECT COUNT(*) AS n FROM `p.d.t` WHERE id = 'z'")).json.rows).toEqual([{ f: [{ v: "0" }] }]);
    expect((await query("SELECT ARRAY_AGG(id) FROM `p.d.t`")).json.error.message).toMatch(
      /function ARRAY_AGG is outside/,
    );
    expect((await query("DELETE FROM `p.d.t`")).json.error.message).toBe("DELETE must have a WHERE clause");
    expect((await query("BEGIN TRANSACTION; DELETE FROM `p.d.t` WHERE TRUE;")).json.error.message).toMatch(
      /not committed/,
    );
  });

  test("jobs live in their dataset's location; faults answer the next matching requests", async () => {
    const inserted = await call("POST", "/bigquery/v2/projects/p/jobs", {
      jobReference: { jobId: "located" },
      configuration: { query: { query: "SELECT 1 FROM `p.d.t` LIMIT 1", useLegacySql: false } },
    });
    expect(inserted.json.jobReference.location).toBe("EU");
    expect((await call("GET", "/bigquery/v2/projects/p/jobs/located?location=US")).status).toBe(404);
    expect((await call("GET", "/bigquery/v2/projects/p/jobs/located?location=EU")).json.status.state).toBe("DONE");
    expect(
      (
        await call("POST", "/bigquery/v2/projects/p/jobs", {
          jobReference: { jobId: "located" },
          configuration: { query: { query: "SELECT 1", useLegacySql: false } },
        })
      ).json.error.errors[0].reason,
    ).toBe("duplicate");
    emulator.injectFault({ status: 429, path: "/jobs/", count: 1 });
    const limited = await call("GET", "/bigquery/v2/projects/p/jobs/located?location=EU");
    expect([limited.status, limited.json.error.errors[0].reason, limited.json.error.status]).toEqual([
      429,
      "rateLimitExceeded",
      "RESOURCE_EXHAUSTED",
    ]);
    expect((await call("GET", "/bigquery/v2/projects/p/jobs/located?location=EU")).status).toBe(200);
    emulator.failJobs({ reason: "backendError", type: "QUERY" });
    const failing = await call("POST", "/bigquery/v2/projects/p/jobs", {
      configuration: { query: { query: "SELECT 1", useLegacySql: false } },
    });
    expect(failing.json.status.errorResult.reason).toBe("backendError");
  });
});
