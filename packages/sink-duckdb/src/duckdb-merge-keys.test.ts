import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import {
  type ColumnDefinition,
  createRecordMapper,
  type MergeStreamDefinition,
  mapRecordText,
  type RecordMapping,
} from "@parley/core";
import { describe, expect, test } from "vitest";
import { MergeKeys } from "./duckdb-merge-keys.ts";
import { createUsualFormScanner } from "./duckdb-usual-scan.ts";

const stream = {
  name: "calls",
  writeDisposition: "merge",
  primaryKey: ["bot", "id", "at"],
  columns: [
    { name: "bot", type: "string" },
    { name: "id", type: "integer" },
    { name: "at", type: "timestamp" },
  ],
  mapping: {
    keys: "exact",
    fields: [
      { column: "bot", from: ["bot"], reading: "text", contextFallback: true },
      { column: "id", from: ["id"], reading: "numeric id" },
      { column: "at", from: ["at"], reading: "timestamp" },
    ],
  },
} as const satisfies MergeStreamDefinition & { mapping: RecordMapping };
const columns: readonly ColumnDefinition[] = stream.columns;
const context = { values: { bot: "b1" }, where: "test" };

/** Notes each record's key as the bulk path does: from its bytes when usual, else from the JavaScript mapper's row. */
function noted(records: readonly string[]): { keys: MergeKeys; usual: boolean[] } {
  const scanner = createUsualFormScanner(stream.mapping, columns, stream.primaryKey);
  const mapper = createRecordMapper(
    stream.mapping,
    columns.map((column) => column.name),
    stream.primaryKey,
  );
  const keys = new MergeKeys(stream.primaryKey, columns);
  const usual = records.map((text) => {
    const bytes = Buffer.from(text);
    if (scanner.usual(bytes, 0, bytes.length)) {
      scanner.noteKey(keys, context.values);
      return true;
    }
    const mapped = mapRecordText(mapper, text, context);
    if (!mapped.ok) throw new Error(`${text}: ${mapped.reason}`);
    keys.row(mapped.row);
    return false;
  });
  return { keys, usual };
}

const at = '"at":"2026-01-01T00:00:00Z"';

describe("a merge batch's keys compared from their bytes", () => {
  // Two records each, whether the first is read from its bytes (usual), the second too, and whether they are one key.
  test.each([
    [
      "an id sent with leading zeros and as a number",
      `{"bot":"a","id":"007",${at}}`,
      `{"bot":"a","id":7,${at}}`,
      true,
      true,
      true,
    ],
    [
      "an id, usual and mapped in JavaScript",
      `{"bot":"a","id":"007",${at}}`,
      `{"bot":"a","id":7.0,${at}}`,
      true,
      false,
      true,
    ],
    ["an id of zeros and zero", `{"bot":"a","id":"000",${at}}`, `{"bot":"a","id":0,${at}}`, true, true, true],
    ["different ids", `{"bot":"a","id":"70",${at}}`, `{"bot":"a","id":7,${at}}`, true, true, false],
    [
      "a text sent with and without an escape",
      `{"bot":"A","id":1,${at}}`,
      `{"bot":"\\u0041","id":1,${at}}`,
      true,
      true,
      true,
    ],
    [
      "a text, usual and mapped in JavaScript",
      `{"bot":"é","id":1,${at}}`,
      `{"bot":"é","id":1,${at},"x":1}`,
      true,
      false,
      true,
    ],
    ["texts differing in case", `{"bot":"a","id":1,${at}}`, `{"bot":"A","id":1,${at}}`, true, true, false],
    ["a text not sent and the context's", `{"id":1,${at}}`, `{"bot":"b1","id":1,${at}}`, false, true, true],
    [
      "one instant written two ways",
      `{"bot":"a","id":1,${at}}`,
      '{"bot":"a","id":1,"at":"2026-01-01T00:00:00.000+00:00"}',
      true,
      true,
      true,
    ],
    [
      "an instant, usual and with an offset",
      `{"bot":"a","id":1,${at}}`,
      '{"bot":"a","id":1,"at":"2026-01-01T01:00:00+01:00"}',
      true,
      false,
      true,
    ],
    [
      "instants a microsecond apart",
      `{"bot":"a","id":1,${at}}`,
      '{"bot":"a","id":1,"at":"2026-01-01T00:00:00.000001Z"}',
      true,
      true,
      false,
    ],
  ])("%s", (_name, first, second, firstUsual, secondUsual, oneKey) => {
    const { keys, usual } = noted([first, second]);
    expect(usual).toEqual([firstUsual, secondUsual]);
    expect(keys.repeated).toBe(oneKey);
  });

  test("parts are told apart where they end: a text's end is not taken for the next part's start", () => {
    const keys = new MergeKeys(
      ["a", "b"],
      [
        { name: "a", type: "string" },
        { name: "b", type: "string" },
      ],
    );
    const bytes = Buffer.from('"ab""c""a""bc"');
    keys.text(0, bytes, 0, 4);
    keys.text(1, bytes, 4, 7);
    keys.end();
    keys.text(0, bytes, 7, 10);
    keys.text(1, bytes, 10, 14);
    keys.end();
    expect(keys.repeated).toBe(false);
  });

  test("among tens of thousands of keys, only a key noted again repeats", () => {
    const records = Array.from({ length: 40_000 }, (_, index) => `{"bot":"b${index % 7}","id":${index},${at}}`);
    expect(noted(records).keys.repeated).toBe(false);
    expect(noted([...records, records[12_345] as string]).keys.repeated).toBe(true);
    expect(noted([...records, `{"bot":"b${12_345 % 7}","id":"0012345",${at}}`]).keys.repeated).toBe(true);
  });

  test("the keys file holds each key as DuckDB reads it into the key columns", async () => {
    const { keys } = noted([
      `{"bot":"a","id":"007",${at}}`,
      '{"id":12,"at":"2026-01-01T01:00:00+01:00","x":1}',
      `{"bot":"\\u00e9\\"","id":"0",${at}}`,
    ]);
    const directory = await mkdtemp(join(tmpdir(), "parley-merge-keys-"));
    const instance = await DuckDBInstance.create(":memory:");
    try {
      const path = join(directory, "keys.ndjson");
      await writeFile(path, Buffer.concat(keys.lines()));
      const connection = await instance.connect();
      await connection.run("SET TimeZone = 'UTC'");
      const reader = await connection.runAndReadAll(
        `SELECT bot, id, "at"::VARCHAR AS "at" FROM read_json('${path}', format = 'newline_delimited', columns = {'bot': 'VARCHAR', 'id': 'BIGINT', 'at': 'TIMESTAMPTZ'})`,
      );
      expect(reader.getRowObjectsJson()).toEqual([
        { bot: "a", id: "7", at: "2026-01-01 00:00:00+00" },
        { bot: "b1", id: "12", at: "2026-01-01 00:00:00+00" },
        { bot: 'é"', id: "0", at: "2026-01-01 00:00:00+00" },
      ]);
      connection.closeSync();
    } finally {
      instance.closeSync();
      await rm(directory, { recursive: true, force: true });
    }
  });
});
