import { describe, expect, test } from "vitest";
import { translateScript } from "./bigquery-sql.ts";

const sql = (text: string) => translateScript(text).map((statement) => statement.sql);

describe("GoogleSQL to DuckDB", () => {
  test("backtick paths, string escapes, typed literals, MERGE without INTO and SELECT * EXCEPT", () => {
    expect(sql("SELECT * EXCEPT (`_parley_seq`) FROM `my-project.ds.t` WHERE s = 'it\\'s\\n' AND d = \"x\"")).toEqual([
      `SELECT * EXCLUDE ("_parley_seq") FROM "my-project"."ds"."t" WHERE s = 'it''s\n' AND d = 'x'`,
    ]);
    expect(
      sql("SELECT TIMESTAMP '2024-01-01 00:00:00+00', DATE '2024-01-01', JSON '{\"a\":1}', PARSE_JSON('[]')"),
    ).toEqual([
      `SELECT CAST('2024-01-01 00:00:00+00' AS TIMESTAMPTZ) , DATE '2024-01-01' , CAST('{"a":1}' AS JSON) , json('[]')`,
    ]);
    expect(
      translateScript(
        "MERGE `p.d.t` AS target USING `p.d.s` AS source ON target.id = source.id WHEN MATCHED THEN UPDATE SET v = source.v",
      )[0]?.sql,
    ).toMatch(/^MERGE INTO "p"."d"."t" AS target/);
  });

  test("a NUL character (an escape in GoogleSQL) reaches DuckDB as chr(0), which ends a DuckDB literal otherwise", () => {
    expect(sql("SELECT 'a\\x00b\\0001'")).toEqual([`SELECT ('a' || chr(0) || 'b' || chr(0) || '1')`]);
  });

  test("scripts split into statements with their kinds; comments are dropped", () => {
    const statements = translateScript(
      "-- a comment\nBEGIN TRANSACTION; DELETE `t` WHERE TRUE; /* x */ INSERT t (a) VALUES (1); COMMIT TRANSACTION;",
    );
    expect(statements.map((statement) => [statement.kind, statement.sql])).toEqual([
      ["BEGIN_TRANSACTION", "BEGIN TRANSACTION"],
      ["DELETE", `DELETE FROM "t" WHERE TRUE`],
      ["INSERT", "INSERT INTO t (a) VALUES (1)"],
      ["COMMIT_TRANSACTION", "COMMIT"],
    ]);
  });

  test("refuses what it does not implement instead of guessing", () => {
    for (const text of [
      "SELECT @cursor",
      "CREATE TABLE t (a INT64)",
      "SELECT UNNEST([1])",
      "BEGIN SELECT 1; END",
      "SELECT b'bytes'",
      "SELECT FORMAT('%d', 1)",
    ]) {
      expect(() => translateScript(text), text).toThrow(/outside the emulator's supported subset/);
    }
    expect(() => translateScript("UPDATE t SET a = 1")).toThrow("UPDATE must have a WHERE clause");
    expect(() => translateScript(`SELECT '${"x".repeat(1024 * 1024)}'`)).toThrow(/query is too large/);
  });
});
