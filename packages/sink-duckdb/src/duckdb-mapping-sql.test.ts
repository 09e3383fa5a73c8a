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
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { fileColumn, mappingSelectSql, readerColumns } from "./duckdb-mapping-sql.ts";
import { duckdbColumnTypes } from "./duckdb-types.ts";
import { createUsualFormCheck } from "./duckdb-usual-form.ts";

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

/** Each record, and whether it is in a usual form SQL maps itself (true) or is left to the JavaScript mapper (false). */
const records: readonly [string, boolean][] = [
  [
    '{"id":"a","who":"w","n":"7","at":"2024-05-03T08:10:01.211+00:00","flag":true,"data":{"k":[1,2.5]},"items":[{"x":1}]}',
    true,
  ],
  ['{"id":"b","n_old":"12","at":"2024-05-03T23:59:59Z","flag":false,"items":[]}', true],
  ['{"id":"c","n":"","at":"","data":null,"items":null}', true],
  ['{"id":"d","n":"","who":null}', true],
  ['{"id":"d2","who":"","flag":""}', true],
  ['{"id":"d3","who":"{not json [","flag":"true"}', true],
  ['{"id":"d4","who":true}', true],
  ['{"id":"c2","n":42}', false],
  ['{"id":"e","who":"ü ✓ \\" \\n","n":null,"n_old":null}', false],
  ['{"id":"e2","n":null}', false],
  ['{"id":"f","ID":"g"}', false],
  ['{"id":"h","unknown":1}', false],
  ['{"id":"i","n":"7.0"}', false],
  ['{"id":"j","n":"seven"}', false],
  ['{"id":"k","at":"2024-05-03 08:10:01"}', false],
  ['{"id":"l","at":"2024-05-03T10:10:01+02:00"}', false],
  ['{"id":"m","at":1714723825}', false],
  ['{"id":"n","flag":"true"}', true],
  ['{"id":"n2","flag":"TRUE"}', false],
  ['{"id":"w","who":7,"n":"8"}', false],
  ['{"id":"x","who":7.5}', false],
  ['{"id":"x3","who":{"a":1}}', false],
  ['{"id":"o","data":"{\\"k\\":1}"}', false],
  ['{"id":"o2","data":""}', false],
  ['{"id":"p","items":"not a list"}', false],
  ['{"id":"q","items":[1,2]}', false],
  ['{"id":"r","data":[]}', false],
  ['{"who":"nobody"}', false],
  ['{"id":""}', false],
  ["[1,2]", false],
  ['{"id":"broken"', false],
  ['{"id":"s","who":"nul \\u0000 here"}', false],
  [`{"id":"deep","data":${'{"a":'.repeat(120)}1${"}".repeat(120)}}`, false],
  [`{"id":"wide","data":{"a":[${'{"b":1},'.repeat(120)}{}]}}`, false],
  ['{"id":"t","at":"2024-02-30T08:10:01Z"}', false],
  ['{"id":"t2","at":"2024-02-29T08:10:01Z"}', true],
  ['{"id":"u","n":"12345678901234567"}', false],
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
  test("stores exactly what the JavaScript mapper and validator store for each record in a usual form, and only those count as usual", async () => {
    const usual = createUsualFormCheck(mapping, stream.columns, stream.primaryKey);
    const parsed = (text: string): unknown => {
      try {
        return JSON.parse(text);
      } catch {
        return undefined;
      }
    };
    expect(records.map(([text]) => parsed(text) !== undefined && usual(parsed(text), text))).toEqual(
      records.map(([, fast]) => fast),
    );

    // The usual records, staged as sent, through DuckDB's typed reader and the generated SQL.
    const fast = records.filter(([, isFast]) => isFast).map(([text]) => text);
    const staged = join(directory, "raw.ndjson");
    await writeFile(staged, fast.join("\n"));
    const relation = `(SELECT 0 AS ${fileColumn}, * FROM read_json('${staged}', format = 'newline_delimited', columns = {${readerColumns(mapping)}}))`;
    const names = stream.columns.map((column) => `"${column.name}"`).join(", ");
    const fromSql = await rows(
      `SELECT ${names} FROM (${mappingSelectSql(mapping, stream.columns, [context], relation)}) ORDER BY id`,
    );

    // The JavaScript path: the mapper, the runner's validator, then DuckDB's reader with the column types.
    const mapper = createRecordMapper(
      mapping,
      stream.columns.map((column) => column.name),
      stream.primaryKey,
    );
    const validate = createRecordValidator(stream);
    const jsRows = fast.map((text) => {
      const mapped = mapRecordText(mapper, text, context);
      const validated = mapped.ok ? validate(mapped.row) : undefined;
      if (validated?.ok !== true) throw new Error(`a usual record the JavaScript path refuses: ${text}`);
      return validated.row;
    });
    const path = join(directory, "rows.ndjson");
    await writeFile(path, jsRows.map((row) => JSON.stringify(row)).join("\n"));
    const types = stream.columns.map((column) => `"${column.name}": '${duckdbColumnTypes[column.type]}'`).join(", ");
    const fromJs = await rows(
      `SELECT ${names} FROM read_json('${path}', format = 'newline_delimited', columns = {${types}}) ORDER BY id`,
    );
    expect(fromSql).toHaveLength(fast.length);
    expect(fromSql).toEqual(fromJs);
  });
});
