import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import {
  createRecordMapper,
  createRecordValidator,
  type MergeStreamDefinition,
  mapRecordText,
  type RecordMapping,
} from "@parley/core";
import { positionColumn } from "@parley/core/warehouse";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { fastColumn, mappingSelectSql } from "./duckdb-mapping-sql.ts";
import { writeRawParts } from "./duckdb-raw-records.ts";
import { duckdbColumnTypes } from "./duckdb-types.ts";

const mapping: RecordMapping = {
  fields: [
    { column: "id", from: ["id"], reading: "text" },
    { column: "who", from: ["who"], reading: "text", contextFallback: true },
    { column: "n", from: ["n", "n_old"], reading: "count" },
    { column: "at", from: ["at"], reading: "timestamp" },
    { column: "flag", from: ["flag"], reading: "boolean" },
    { column: "data", from: ["data"], reading: "json" },
    { column: "items", from: ["items"], reading: "json" },
  ],
  contextColumns: ["day"],
  extraFieldsColumn: "extra",
  fieldNameColumns: [{ column: "n_field", of: "n" }],
  dayFallback: { column: "day", from: "at" },
};

const stream: MergeStreamDefinition = {
  name: "things",
  writeDisposition: "merge",
  primaryKey: ["id"],
  mapping,
  columns: [
    { name: "id", type: "string" },
    { name: "who", type: "string" },
    { name: "n", type: "integer" },
    { name: "n_field", type: "string" },
    { name: "at", type: "timestamp" },
    { name: "day", type: "date" },
    { name: "flag", type: "boolean" },
    { name: "data", type: "json", shape: "object" },
    { name: "items", type: "json", shape: "list of objects" },
    { name: "extra", type: "json", shape: "object" },
  ],
};

/** Each record, and whether SQL maps it itself (true) or leaves it to the JavaScript mapper (false). */
const records: readonly [string, boolean][] = [
  [
    '{"id":"a","who":"w","n":"7","at":"2024-05-03T08:10:01.211+00:00","flag":true,"data":{"k":[1,2.5]},"items":[{"x":1}]}',
    true,
  ],
  ['{"id":"b","n_old":"12","at":"2024-05-03T23:59:59Z","flag":false,"items":[]}', true],
  ['{"id":"c","n":42,"at":"","data":null,"items":null}', true],
  ['{"id":"d","n":"","who":null}', true],
  ['{"id":"e","who":"ü ✓ \\" \\n","n":null,"n_old":null}', false],
  ['{"id":"f","ID":"g"}', false],
  ['{"id":"h","unknown":1}', false],
  ['{"id":"i","n":"7.0"}', false],
  ['{"id":"j","n":"seven"}', false],
  ['{"id":"k","at":"2024-05-03 08:10:01"}', false],
  ['{"id":"l","at":"2024-05-03T10:10:01+02:00"}', false],
  ['{"id":"m","at":1714723825}', false],
  ['{"id":"n","flag":"true"}', true],
  ['{"id":"n2","flag":"TRUE"}', false],
  ['{"id":"w","who":7,"n":8}', true],
  ['{"id":"x","who":7.5}', false],
  ['{"id":"x2","who":12345678901234567}', false],
  ['{"id":"x3","who":{"a":1}}', false],
  ['{"id":"x4","who":"[not a list"}', false],
  ['{"id":"o","data":"{\\"k\\":1}"}', false],
  ['{"id":"p","items":"not a list"}', false],
  ['{"id":"q","items":[1,2]}', false],
  ['{"id":"r","data":[]}', false],
  ['{"who":"nobody"}', false],
  ['{"id":""}', false],
  ["[1,2]", false],
  ['{"id":"s","who":"nul \\u0000 here"}', false],
  [`{"id":"deep","data":${'{"a":'.repeat(120)}1${"}".repeat(120)}}`, false],
  ['{"id":"t","at":"2024-02-30T08:10:01Z"}', false],
  ['{"id":"u","n":12345678901234567}', false],
  ['{"id":"v","who":"😀 \\ud83d\\ude00"}', false],
];
const context = { values: { who: "from-context", day: null }, where: "test file" };

let directory: string;
let instance: DuckDBInstance;

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), "parley-mapping-sql-"));
  instance = await DuckDBInstance.create(join(directory, "test.duckdb"));
});
afterAll(async () => {
  instance.closeSync();
  await rm(directory, { recursive: true, force: true });
});

async function rows(sql: string): Promise<Record<string, unknown>[]> {
  const connection = await instance.connect();
  await connection.run("SET TimeZone = 'UTC'");
  const reader = await connection.runAndReadAll(sql);
  connection.closeSync();
  return reader.getRowObjectsJson() as Record<string, unknown>[];
}

describe("mapping SQL generated from a RecordMapping", () => {
  test("maps the usual forms exactly as the JavaScript mapper does, and leaves every other form to it", async () => {
    const [staged] = await writeRawParts(directory, "raw", [{ context, texts: records.map(([text]) => text) }]);
    const relation = `(SELECT position AS ${positionColumn}, record FROM read_json('${staged}', format = 'newline_delimited', columns = {position: 'BIGINT', record: 'VARCHAR'}))`;
    const select = mappingSelectSql(mapping, stream.columns, stream.primaryKey, context, relation);
    const names = stream.columns.map((column) => `"${column.name}"`).join(", ");
    const fromSql = await rows(
      `SELECT ${positionColumn} AS position, ${fastColumn} AS fast, ${names} FROM (${select}) ORDER BY 1`,
    );
    expect(fromSql.map((row) => row.fast)).toEqual(records.map(([, fast]) => fast));

    // The JavaScript path: the mapper, the runner's validator, then DuckDB's reader with the column types.
    const mapper = createRecordMapper(
      mapping,
      stream.columns.map((column) => column.name),
      stream.primaryKey,
    );
    const validate = createRecordValidator(stream);
    const jsRows: Record<string, unknown>[] = [];
    for (const [index, [text, fast]] of records.entries()) {
      const mapped = mapRecordText(mapper, text, context);
      const validated = mapped.ok ? validate(mapped.row) : undefined;
      if (fast) {
        expect(validated?.ok, text).toBe(true);
        if (validated?.ok) jsRows.push({ position: index, ...validated.row });
      }
    }
    const path = join(directory, "rows.ndjson");
    await writeFile(path, jsRows.map((row) => JSON.stringify(row)).join("\n"));
    const types = stream.columns.map((column) => `"${column.name}": '${duckdbColumnTypes[column.type]}'`).join(", ");
    const fromJs = await rows(
      `SELECT position, ${names} FROM read_json('${path}', format = 'newline_delimited', columns = {position: 'BIGINT', ${types}}) ORDER BY 1`,
    );
    expect(fromSql.filter((row) => row.fast).map(({ fast: _fast, ...row }) => row)).toEqual(fromJs);
  });
});
