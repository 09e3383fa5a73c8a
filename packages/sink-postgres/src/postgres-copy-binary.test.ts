import type { ColumnDefinition, ValidatedRow } from "@parley/core";
import { batch, target } from "@parley/core/testing";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { freshSchemaName, testServer, useFreshSinks } from "./__fixtures__/postgres-schemas.ts";
import { CopyText, copyRows, createRowEncoder } from "./postgres-copy.ts";
import { createBinaryRowsEncoder, NotBinaryEncodable } from "./postgres-copy-binary.ts";
import { postgresColumnTypes, quoteIdentifier } from "./postgres-types.ts";

const columns: readonly ColumnDefinition[] = [
  { name: "n", type: "integer" },
  { name: "text", type: "string" },
  { name: "count", type: "integer" },
  { name: "ratio", type: "float" },
  { name: "flag", type: "boolean" },
  { name: "at", type: "timestamp" },
  { name: "day", type: "date" },
  { name: "doc", type: "json" },
];

const timestamps = [
  "2024-05-03T08:10:01Z",
  "2024-05-03 08:10:01z",
  "2024-05-03T08:10Z",
  "2024-05-03T08:10:01+05",
  "2024-05-03T08:10:01+0530",
  "2024-05-03T08:10:01-03:30",
  "2024-05-03T08:10:01.1Z",
  "2024-05-03T08:10:01.123456Z",
  "2024-05-03T08:10:01.1234565Z",
  "2024-05-03T08:10:01.0000005Z",
  "2024-05-03T08:10:01.0000015Z",
  "2024-05-03T08:10:01.0000025Z",
  "2024-12-31T23:59:59.9999995Z",
  "2024-12-31T23:59:59.999999999+14:00",
  "1969-12-31T23:59:59.999999Z",
  "1999-12-31T23:59:59Z",
  "2000-01-01T00:00:00Z",
  "2000-01-01T00:00:00.000001+00:01",
  "1899-03-01T00:00:00-00:01",
  "0001-01-01T00:00:00Z",
  "9999-12-31T23:59:59.999999Z",
  "2000-02-29T12:00:00Z",
];
const days = [
  "2024-05-03",
  "0001-01-01",
  "1900-03-01",
  "2000-02-29",
  "1969-12-31",
  "9999-12-31",
  "2024-12-31",
  "1999-12-31",
  "2000-01-01",
];
const texts = ["plain", "", "tab\tnew\nline\r\\", "nul\0char", "lone \uD800 surrogate", "日本 ✓ \u{1F600}", "\\N"];
const numbers = [0, -1, 1, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 2n ** 63n - 1n, -(2n ** 63n), 2n ** 40n];
const floats = [0, -0, 0.1, -1.5, 1e308, 5e-324, 1 / 3, 123456.789];
const documents: unknown[] = [{ a: [1, "x", null, true] }, ["nul\0", "\\u0000"], "text", 12, { big: 2n ** 70n }, []];

const rows: ValidatedRow[] = timestamps.map((at, index) => ({
  n: index,
  text: texts[index % texts.length],
  count: numbers[index % numbers.length],
  ratio: floats[index % floats.length],
  flag: index % 3 === 0 ? null : index % 2 === 0,
  at,
  day: days[index % days.length],
  doc: documents[index % documents.length],
}));
rows.push({ n: 1000, text: null, count: null, ratio: null, flag: null, at: null, day: null, doc: null });

describe("COPY BINARY", () => {
  const schema = freshSchemaName();
  const client = new pg.Client(testServer);
  const table = (name: string) => `${quoteIdentifier(schema)}.${name}`;
  const names = [...columns.map((column) => column.name), "load"];
  beforeAll(async () => {
    await client.connect();
    const definitions = columns.map((column) => `${quoteIdentifier(column.name)} ${postgresColumnTypes[column.type]}`);
    await client.query(`CREATE SCHEMA ${quoteIdentifier(schema)}`);
    for (const name of ["as_text", "as_binary"])
      await client.query(`CREATE TABLE ${table(name)} (${definitions.join(", ")}, load text)`);
  });
  afterAll(async () => {
    await client.query(`DROP SCHEMA ${quoteIdentifier(schema)} CASCADE`);
    await client.end();
  });

  test("stores exactly what the TEXT format stores, value for value", async () => {
    const encodeText = createRowEncoder(columns, ["load-1"]);
    await copyRows(client as pg.PoolClient, table("as_text"), names, new CopyText(rows, encodeText));
    const encodeBinary = createBinaryRowsEncoder(columns, [
      { column: { name: "load", type: "string" }, value: "load-1" },
    ]);
    await copyRows(client as pg.PoolClient, table("as_binary"), names, encodeBinary(rows), "binary");
    const differences = await client.query(
      `(SELECT *, 'text only' AS side FROM ${table("as_text")} EXCEPT SELECT *, 'text only' FROM ${table("as_binary")})
       UNION ALL (SELECT *, 'binary only' FROM ${table("as_binary")} EXCEPT SELECT *, 'binary only' FROM ${table("as_text")})`,
    );
    expect(differences.rows).toEqual([]);
    const counted = await client.query(
      `SELECT count(*)::int AS n, count(DISTINCT n)::int AS d FROM ${table("as_binary")}`,
    );
    expect(counted.rows).toEqual([{ n: rows.length, d: rows.length }]);
    // -0 is the one value EXCEPT cannot tell apart; the TEXT format writes it as "0".
    const signs = await client.query(`SELECT ratio::text AS ratio FROM ${table("as_binary")} WHERE n = 1`);
    expect(signs.rows).toEqual([{ ratio: "0" }]);
  });

  test("refuses, before sending it, a value it cannot write as PostgreSQL would parse its text", () => {
    const encode = createBinaryRowsEncoder(columns);
    const refused: ValidatedRow[] = [
      { at: "2024-05-03T24:00:00Z" },
      { at: "2024-05-03T23:59:60Z" },
      { at: "2024-05-03T08:10:01+16:00" },
      { at: "0000-01-01T00:00:00Z" },
      { day: "0000-01-01" },
      { day: "2023-02-29" },
      { day: "2024-13-01" },
      { at: "2024-05-03t08:10:01Z" },
      { at: "2024-05-03T08:10:01.Z" },
      { at: "2024-05-03T08:10:01.1234567891Z" },
      { at: "2024-05-03T08:10:01+5" },
      { at: "2024-05-03T08:10:01+05:3" },
      { at: "2024-05-03T08:10:01" },
      { at: "2024-05-03T08:1Z" },
      { count: 2n ** 63n },
      { count: 1.5 },
      { ratio: "1.5" },
      { flag: "true" },
    ];
    for (const row of refused)
      expect(
        () => [...encode([row])],
        JSON.stringify(row, (_, v) => String(v)),
      ).toThrow(NotBinaryEncodable);
  });
});

const freshSink = useFreshSinks();

describe("merge of new keys in BINARY", () => {
  test("a batch with a value BINARY refuses is copied as TEXT, meaning what PostgreSQL makes of it", async () => {
    const { sink } = freshSink();
    const stream = {
      name: "events",
      writeDisposition: "merge",
      primaryKey: ["id"],
      columns: [
        { name: "id", type: "string" },
        { name: "at", type: "timestamp" },
      ],
    } as const;
    const events = target(stream, "events");
    await sink.prepare([events]);
    await sink.writeBatch(
      batch({
        target: events,
        rows: [
          { id: "a", at: "2024-05-03T08:00:00Z" },
          { id: "b", at: "2024-05-03T24:00:00Z" },
        ],
      }),
    );
    expect(await sink.query("SELECT id, at FROM events ORDER BY id")).toEqual([
      { id: "a", at: "2024-05-03T08:00:00Z" },
      { id: "b", at: "2024-05-04T00:00:00Z" },
    ]);
  });
});
