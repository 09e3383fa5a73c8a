import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  ElementSplitter,
  type MergeStreamDefinition,
  type RawRecordPart,
  type RecordContext,
  type Sink,
} from "@parley/core";
import { batch, target } from "@parley/core/testing";
import { afterEach, expect, test } from "vitest";
import { readerRefused } from "./duckdb-raw-load.ts";
import { createDuckdbSink } from "./duckdb-sink.ts";

let work: string | undefined;
let sink: Sink | undefined;
afterEach(async () => {
  await sink?.close();
  if (work !== undefined) await rm(work, { recursive: true, force: true });
});

const stream: MergeStreamDefinition = {
  name: "things",
  writeDisposition: "merge",
  primaryKey: ["id"],
  columns: [
    { name: "id", type: "string" },
    { name: "name", type: "string" },
    { name: "n", type: "integer" },
    { name: "meta", type: "json" },
  ],
  mapping: {
    fields: [
      { column: "id", from: ["id"], reading: "text" },
      { column: "name", from: ["name"], reading: "text" },
      { column: "n", from: ["n"], reading: "count" },
      { column: "meta", from: ["meta"], reading: "json" },
    ],
  },
};
const context: RecordContext = { values: {}, where: "test file" };

function part(layout: "ndjson" | "json-array-items", lines: readonly string[]): RawRecordPart {
  const separator = layout === "ndjson" ? "\n" : ",";
  return { context, records: { layout, bytes: Buffer.from(lines.join(separator)), count: lines.length } };
}

async function loaded(): Promise<readonly Record<string, unknown>[]> {
  return (await sink?.query('SELECT id, name, n FROM main."things" ORDER BY id')) ?? [];
}

test("a batch whose keys do not repeat is read straight from the staged bytes; a record DuckDB's reader then refuses (malformed JSON inside a nested value, which the scan leaves to the reader) sends the whole batch the sure way", async () => {
  work = await mkdtemp(join(tmpdir(), "parley-duckdb-bulk-"));
  sink = createDuckdbSink({ path: join(work, "db.duckdb"), mapInSql: true });
  const things = target(stream, "things");
  await sink.prepare([things]);
  const lines = [
    '{"id":"a","name":"first","n":"1"}',
    '{"id":"b","name":"kept","n":"2","meta":[1,tru]}',
    '{"id":"c","name":"third","n":"3"}',
  ];
  for (const layout of ["ndjson", "json-array-items"] as const) {
    const outcome = await sink.writeBatch({ ...batch({ target: things, rows: [] }), raw: [part(layout, lines)] });
    // Every record of the batch went through JavaScript; the broken one is a reject with its reason.
    expect(outcome).toEqual({ rejected: 1, mappedInJavaScript: 3 });
    expect(await loaded()).toEqual([
      { id: "a", name: "first", n: 1 },
      { id: "c", name: "third", n: 3 },
    ]);
  }
  expect(await sink.query("SELECT reason FROM main._parley_rejects")).toEqual([
    { reason: expect.stringMatching(/not valid JSON|JSON/) },
    { reason: expect.stringMatching(/not valid JSON|JSON/) },
  ]);
});

test("a refused batch is mapped again from its staged files, each record at its place among those mapped apart: the last record of a key stays", async () => {
  work = await mkdtemp(join(tmpdir(), "parley-duckdb-bulk-"));
  sink = createDuckdbSink({ path: join(work, "db.duckdb"), mapInSql: true });
  const things = target(stream, "things");
  await sink.prepare([things]);
  // "7.0" and "6.0" are left to JavaScript by the scan; the broken nested value makes DuckDB refuse the read.
  const first = ['{"id":"a","n":"1"}', '{"id":"b","n":"7.0"}', '{"id":"a","n":"3"}', '{"id":"x","meta":[1,tru]}'];
  const second = ['{"id":"b","n":"4"}', '{"id":"c","n":"5"}', '{"id":"c","n":"6.0"}'];
  for (const layout of ["ndjson", "json-array-items"] as const) {
    const outcome = await sink.writeBatch({
      ...batch({ target: things, rows: [] }),
      raw: [part(layout, first), part(layout, second)],
    });
    expect(outcome).toEqual({ rejected: 1, mappedInJavaScript: 7 });
    expect(await loaded()).toEqual([
      { id: "a", name: null, n: 3 },
      { id: "b", name: null, n: 4 },
      { id: "c", name: null, n: 6 },
    ]);
  }
});

test("a merge batch keeps the last record of a key, whichever path maps each (position in the batch decides)", async () => {
  work = await mkdtemp(join(tmpdir(), "parley-duckdb-bulk-"));
  sink = createDuckdbSink({ path: join(work, "db.duckdb"), mapInSql: true });
  const things = target(stream, "things");
  await sink.prepare([things]);
  // "7.0" is left to JavaScript (not a usual count); the others are read by DuckDB.
  const first = ['{"id":"a","n":"1"}', '{"id":"b","n":"7.0"}', '{"id":"a","n":"3"}'];
  const second = ['{"id":"b","n":"4"}', '{"id":"c","n":"5"}', '{"id":"c","n":"6.0"}'];
  await sink.writeBatch({
    ...batch({ target: things, rows: [] }),
    raw: [part("ndjson", first), part("ndjson", second)],
  });
  expect(await loaded()).toEqual([
    { id: "a", name: null, n: 3 },
    { id: "b", name: null, n: 4 },
    { id: "c", name: null, n: 6 },
  ]);
});

test("keys written two ways in one batch (an instant with and without its fraction, a count as usual and less usual text) are one key: the last record stays", async () => {
  work = await mkdtemp(join(tmpdir(), "parley-duckdb-bulk-"));
  sink = createDuckdbSink({ path: join(work, "db.duckdb"), mapInSql: true });
  const calls = target(
    {
      name: "calls",
      writeDisposition: "merge",
      primaryKey: ["n", "at"],
      columns: [
        { name: "n", type: "integer" },
        { name: "at", type: "timestamp" },
        { name: "name", type: "string" },
      ],
      mapping: {
        fields: [
          { column: "n", from: ["n"], reading: "count" },
          { column: "at", from: ["at"], reading: "timestamp" },
          { column: "name", from: ["name"], reading: "text" },
        ],
      },
    },
    "calls",
  );
  await sink.prepare([calls]);
  const lines = [
    '{"n":"12","at":"2026-01-01T00:00:00Z","name":"first"}',
    '{"n":"12","at":"2026-01-01T00:00:00.000+00:00","name":"second"}',
    '{"n":"12.0","at":"2026-01-01T00:00:00Z","name":"last"}',
  ];
  await sink.writeBatch({ ...batch({ target: calls, rows: [] }), raw: [part("ndjson", lines)] });
  expect(await sink.query('SELECT n, name FROM main."calls"')).toEqual([{ n: 12, name: "last" }]);
});

test("an append batch is read straight from the staged bytes and keeps every record, repeated ones too", async () => {
  work = await mkdtemp(join(tmpdir(), "parley-duckdb-bulk-"));
  sink = createDuckdbSink({ path: join(work, "db.duckdb"), mapInSql: true });
  const events = target({ ...stream, name: "events", writeDisposition: "append" }, "events");
  await sink.prepare([events]);
  const lines = ['{"id":"a","n":"1"}', '{"id":"a","n":"1"}', '{"id":"b","n":"7.0"}'];
  for (let run = 0; run < 2; run++)
    await sink.writeBatch({ ...batch({ target: events, rows: [] }), raw: [part("json-array-items", lines)] });
  expect(await sink.query('SELECT id, n FROM main."events" ORDER BY id, n')).toEqual([
    ...Array.from({ length: 4 }, () => ({ id: "a", n: 1 })),
    { id: "b", n: 7 },
    { id: "b", n: 7 },
  ]);
});

test("array items are read by DuckDB whether each sits on one line (staged as lines) or spans several (pretty-printed)", async () => {
  work = await mkdtemp(join(tmpdir(), "parley-duckdb-bulk-"));
  sink = createDuckdbSink({ path: join(work, "db.duckdb"), mapInSql: true });
  const things = target(stream, "things");
  await sink.prepare([things]);
  const items = (from: number) =>
    Array.from({ length: 3 }, (_, index) => ({ id: `${from + index}`, name: `n${from + index}`, meta: { k: [1] } }));
  // The splitter's own parts, offsets included, as a file would give them.
  const parts = (text: string): RawRecordPart[] => {
    const splitter = new ElementSplitter();
    return [...splitter.pushRecords(Buffer.from(text)), ...splitter.finishRecords()].flatMap((piece) =>
      piece.kind === "records" ? [{ context, records: piece.records }] : [],
    );
  };
  const files = [
    JSON.stringify(items(0)),
    `[\n${items(3)
      .map((item) => JSON.stringify(item))
      .join(",\n")}\n]`,
    JSON.stringify(items(6), null, 2),
  ];
  for (const file of files) {
    const outcome = await sink.writeBatch({ ...batch({ target: things, rows: [] }), raw: parts(file) });
    // DuckDB's reader took every record: none went the JavaScript way.
    expect(outcome).toEqual({ rejected: 0, mappedInJavaScript: 0 });
  }
  expect(await loaded()).toEqual(
    Array.from({ length: 9 }, (_, index) => ({ id: `${index}`, name: `n${index}`, n: null })).sort((a, b) =>
      a.id.localeCompare(b.id),
    ),
  );
});

test("a batch read directly whose records are all rejects, or all mapped in JavaScript, stores exactly those rows", async () => {
  work = await mkdtemp(join(tmpdir(), "parley-duckdb-bulk-"));
  sink = createDuckdbSink({ path: join(work, "db.duckdb"), mapInSql: true });
  const things = target(stream, "things");
  await sink.prepare([things]);
  const rejected = await sink.writeBatch({
    ...batch({ target: things, rows: [] }),
    raw: [part("ndjson", ['{"id":"a","n":"many"}', '{"id":"b","n":[1]}'])],
  });
  expect(rejected?.rejected).toBe(2);
  expect(await loaded()).toEqual([]);
  // Unusual forms only (a number as the name, keys in another case): JavaScript maps each.
  const unusual = ['{"ID":"c","name":7,"n":3}', '{"Id":"d","NAME":"dee","n":"4"}'];
  const mapped = await sink.writeBatch({ ...batch({ target: things, rows: [] }), raw: [part("ndjson", unusual)] });
  expect(mapped?.rejected ?? 0).toBe(0);
  expect(await loaded()).toEqual([
    { id: "c", name: "7", n: 3 },
    { id: "d", name: "dee", n: 4 },
  ]);
});

test("context values are typed as their columns in the generated SQL: a file's day beside the day of a timestamp", async () => {
  work = await mkdtemp(join(tmpdir(), "parley-duckdb-bulk-"));
  sink = createDuckdbSink({ path: join(work, "db.duckdb"), mapInSql: true });
  const days = target(
    {
      name: "days",
      writeDisposition: "merge",
      primaryKey: ["id"],
      columns: [
        { name: "id", type: "string" },
        { name: "ended", type: "timestamp" },
        { name: "day", type: "date" },
      ],
      mapping: {
        fields: [
          { column: "id", from: ["id"], reading: "text" },
          { column: "ended", from: ["ended"], reading: "timestamp" },
        ],
        contextColumns: ["day"],
        dayFallback: { column: "day", from: "ended" },
      },
    },
    "days",
  );
  await sink.prepare([days]);
  const file = (day: string | null, lines: readonly string[]): RawRecordPart => ({
    context: { values: { day }, where: `file of ${day}` },
    records: { layout: "ndjson", bytes: Buffer.from(lines.join("\n")), count: lines.length },
  });
  const outcome = await sink.writeBatch({
    ...batch({ target: days, rows: [] }),
    raw: [
      file("2024-06-19", ['{"id":"a","ended":"2024-06-18T23:30:00Z"}']),
      file(null, ['{"id":"b","ended":"2024-06-18T12:00:00Z"}']),
    ],
  });
  expect(outcome?.rejected ?? 0).toBe(0);
  expect(await sink.query('SELECT id, CAST("day" AS VARCHAR) AS "day" FROM main."days" ORDER BY id')).toEqual([
    { id: "a", day: "2024-06-19" },
    { id: "b", day: "2024-06-18" },
  ]);
});

test("only DuckDB's reader refusals and failed casts send a batch the sure way; a fault in the SQL or the disk does not", async () => {
  const sink = createDuckdbSink({ path: ":memory:" });
  const failure = (sql: string) =>
    sink.query(sql).then(
      () => undefined,
      (error: unknown) => error,
    );
  try {
    work = await mkdtemp(join(tmpdir(), "parley-duckdb-bulk-"));
    const file = join(work, "twice.ndjson");
    await writeFile(file, '{"a":"x","a":"y"}\n{"a":tru}\n');
    const refusals = [
      await failure(`SELECT * FROM read_json('${file}', format = 'newline_delimited', columns = {'a': 'VARCHAR'})`),
      await failure("SELECT CAST('seven' AS BIGINT)"),
    ];
    const faults = [
      await failure("SELECT COALESCE('2024-06-19'::VARCHAR, DATE '2024-06-19')"),
      await failure("SELECT * FROM no_such_table"),
      await failure(`SELECT * FROM read_json('${join(work, "missing.ndjson")}')`),
      await failure("SELECT * FROM ("),
    ];
    for (const error of [...refusals, ...faults]) expect(error).toBeInstanceOf(Error);
    expect(refusals.map(readerRefused)).toEqual([true, true]);
    expect(faults.map(readerRefused)).toEqual([false, false, false, false]);
  } finally {
    await sink.close();
  }
});
