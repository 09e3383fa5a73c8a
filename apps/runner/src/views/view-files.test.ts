import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, expect, test } from "vitest";
import { installStatement, listViewFiles, toDialect } from "./view-files.ts";

let directory = "";
afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

async function tree(files: Record<string, string>): Promise<string> {
  directory = await mkdtemp(join(tmpdir(), "parley-views-"));
  for (const [path, text] of Object.entries(files)) {
    await mkdir(join(directory, path, ".."), { recursive: true });
    await writeFile(join(directory, path), text);
  }
  return directory;
}

test("picks a dialect's variant over the portable file, keeps name order, and only for configured source types", async () => {
  const root = await tree({
    "ultimate/10_metrics.sql": "portable metrics",
    "ultimate/20_intents.sql": "portable intents",
    "ultimate/20_intents.postgres.sql": "postgres intents",
    "ultimate/20_intents.bigquery.sql": "bigquery intents",
    "voicegain/10_calls.sql": "calls",
    "ultimate/notes.txt": "ignored",
  });
  const sql = async (dialect: "duckdb" | "postgres" | "bigquery", types?: string[]) =>
    (await listViewFiles(root, dialect, types)).map((file) => file.sql);
  expect(await sql("duckdb")).toEqual(["portable metrics", "portable intents", "calls"]);
  expect(await sql("postgres")).toEqual(["portable metrics", "postgres intents", "calls"]);
  expect(await sql("bigquery", ["ultimate"])).toEqual(["portable metrics", "bigquery intents"]);
});

test("portable double-quoted identifiers become backticks for BigQuery only; string literals are untouched", () => {
  const portable = `SELECT "conversationName", 'a "quoted" word' FROM ccai_conversations`;
  expect(toDialect(portable, "bigquery")).toBe(
    "SELECT `conversationName`, 'a \"quoted\" word' FROM ccai_conversations",
  );
  expect(toDialect(portable, "postgres")).toBe(portable);
});

test("on PostgreSQL a view is dropped (with its dependents) before it is created again; elsewhere the file runs as written", () => {
  const file = {
    sourceType: "ultimate",
    path: "x.sql",
    sql: "-- header\nCREATE OR REPLACE VIEW ultimate_metrics AS SELECT 1 AS one",
  };
  expect(installStatement(file, "postgres")).toBe(`DROP VIEW IF EXISTS ultimate_metrics CASCADE;\n${file.sql}`);
  expect(installStatement(file, "duckdb")).toBe(file.sql);
  expect(installStatement(file, "bigquery")).toBe(file.sql);
});
