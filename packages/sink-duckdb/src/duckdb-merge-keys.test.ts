import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { StreamDefinition } from "@parley/core";
import { batch, target } from "@parley/core/testing";
import { afterEach, expect, test } from "vitest";
import { createDuckdbSink } from "./duckdb-sink.ts";

let work: string | undefined;
afterEach(async () => {
  if (work !== undefined) await rm(work, { recursive: true, force: true });
});

// DuckDB merge tables carry no key constraint: a batch that kept two rows of one key would store both.
test("a merge batch keeps one row per key as DuckDB compares keys: 1n and 1, one instant written two ways", async () => {
  work = await mkdtemp(join(tmpdir(), "parley-duckdb-keys-"));
  const sink = createDuckdbSink({ path: join(work, "db.duckdb"), stagingDirectory: work });
  const byNumber = target({
    name: "by_number",
    writeDisposition: "merge",
    primaryKey: ["id"],
    columns: [
      { name: "id", type: "integer" },
      { name: "text", type: "string" },
    ],
  } satisfies StreamDefinition);
  const byTime = target({
    name: "by_time",
    writeDisposition: "merge",
    primaryKey: ["agent", "happened_at"],
    columns: [
      { name: "agent", type: "string" },
      { name: "happened_at", type: "timestamp" },
      { name: "text", type: "string" },
    ],
  } satisfies StreamDefinition);
  await sink.prepare([byNumber, byTime]);
  await sink.writeBatch(
    batch({
      target: byNumber,
      rows: [
        { id: 1n, text: "first" },
        { id: 1, text: "last" },
        { id: 2, text: "other" },
      ],
    }),
  );
  await sink.writeBatch(
    batch({
      target: byTime,
      rows: [
        { agent: "a", happened_at: "2026-01-01T00:00:00Z", text: "first" },
        { agent: "a", happened_at: "2026-01-01 01:00:00.000000+01:00", text: "last" },
        { agent: "a", happened_at: "2026-01-01T00:00:00.000001Z", text: "a microsecond later" },
      ],
    }),
  );
  expect(await sink.query(`SELECT id, text FROM ${byNumber.table} ORDER BY id`)).toEqual([
    { id: 1, text: "last" },
    { id: 2, text: "other" },
  ]);
  expect(await sink.query(`SELECT text FROM ${byTime.table} ORDER BY happened_at, text`)).toEqual([
    { text: "last" },
    { text: "a microsecond later" },
  ]);
  await sink.close();
});
