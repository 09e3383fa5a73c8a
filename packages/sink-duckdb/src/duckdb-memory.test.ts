import { randomBytes } from "node:crypto";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { batch, target } from "@parley/core/testing";
import { afterEach, expect, test } from "vitest";
import { createDuckdbSink } from "./duckdb-sink.ts";

let work: string | undefined;
afterEach(async () => {
  if (work !== undefined) await rm(work, { recursive: true, force: true });
});

const settings = "SELECT current_setting('memory_limit') AS memory, current_setting('temp_directory') AS spill";

test("memory is bounded by default (256MB on both paths; not DuckDB's 80% of RAM), and a file database spills beside its file", async () => {
  work = await mkdtemp(join(tmpdir(), "parley-duckdb-memory-"));
  const path = join(work, "db.duckdb");
  const sink = createDuckdbSink({ path });
  try {
    expect(await sink.query(settings)).toEqual([{ memory: "244.1 MiB", spill: `${path}.tmp` }]);
  } finally {
    await sink.close();
  }
  const bulk = createDuckdbSink({ path, mapInSql: true });
  try {
    expect(await bulk.query(settings)).toEqual([{ memory: "244.1 MiB", spill: `${path}.tmp` }]);
  } finally {
    await bulk.close();
  }
});

test("an in-memory database spills into the run's private staging folder, not the folder the run started in", async () => {
  work = await mkdtemp(join(tmpdir(), "parley-duckdb-memory-"));
  const sink = createDuckdbSink({ path: ":memory:", stagingDirectory: work, memoryLimit: "224MiB" });
  try {
    const [row] = await sink.query(settings);
    const folders = await readdir(join(work, "parley-staging"));
    const host = hostname().replace(/[^A-Za-z0-9]/g, "");
    expect(folders).toEqual([expect.stringMatching(new RegExp(`^run-${host}-${process.pid}-`))]);
    expect(row).toEqual({ memory: "224.0 MiB", spill: join(work, "parley-staging", folders[0] as string) });
    // More than the limit: only possible by spilling there.
    await sink.query("CREATE TABLE big AS SELECT range AS id, repeat('x', 200) AS text FROM range(1500000)");
    expect(await sink.query("SELECT count(*)::INTEGER AS n FROM big")).toEqual([{ n: 1_500_000 }]);
  } finally {
    await sink.close();
  }
  expect(await readdir(join(work, "parley-staging"))).toEqual([]);
});

const notes = target({
  name: "notes",
  writeDisposition: "merge",
  primaryKey: ["id"],
  columns: [
    { name: "id", type: "string" },
    { name: "text", type: "string" },
  ],
});
const noteRows = (from: number, count: number) =>
  Array.from({ length: count }, (_, index) => ({ id: `n${from + index}`, text: randomBytes(150).toString("hex") }));
const cachedTableMegabytes =
  "SELECT (coalesce(sum(memory_usage_bytes), 0) // 1048576)::INTEGER AS mb FROM duckdb_memory() WHERE tag = 'BASE_TABLE'";

test("a load does not keep what it wrote into the file in memory: DuckDB's cache of the table's blocks is dropped after each write", async () => {
  work = await mkdtemp(join(tmpdir(), "parley-duckdb-memory-"));
  const path = join(work, "db.duckdb");
  const sink = createDuckdbSink({ path });
  try {
    await sink.prepare([notes]);
    // About 30 MB of incompressible text in three merges; DuckDB alone would keep all of it in its cache.
    for (let part = 0; part < 3; part += 1)
      await sink.writeBatch(batch({ target: notes, rows: noteRows(part * 33_000, 33_000) }));
    const [{ mb }] = (await sink.query(cachedTableMegabytes)) as [{ mb: number }];
    expect(mb).toBeLessThan(4);
    expect(await sink.query(settings)).toEqual([{ memory: "244.1 MiB", spill: `${path}.tmp` }]);
    expect(await sink.query(`SELECT count(*)::INTEGER AS n FROM ${notes.table}`)).toEqual([{ n: 99_000 }]);
  } finally {
    await sink.close();
  }
});

test("the cache is dropped also while a table held only in memory exists, and that table stays in memory (not spilled)", async () => {
  work = await mkdtemp(join(tmpdir(), "parley-duckdb-memory-"));
  const path = join(work, "db.duckdb");
  const sink = createDuckdbSink({ path });
  try {
    await sink.prepare([notes]);
    // As the ranked path's temporary table holding a batch: ~60 MB nowhere else (large enough that a limit counted in
    // MB, 1000-based, instead of MiB would spill part of it).
    await sink.query("CREATE TEMP TABLE kept AS SELECT range AS n, repeat('k', 100) AS s FROM range(600000)");
    for (let part = 0; part < 3; part += 1)
      await sink.writeBatch(batch({ target: notes, rows: noteRows(part * 33_000, 33_000) }));
    const [{ mb }] = (await sink.query(cachedTableMegabytes)) as [{ mb: number }];
    expect(mb).toBeLessThan(4);
    expect(
      await sink.query(
        "SELECT (sum(temporary_storage_bytes) // 1048576)::INTEGER AS spilled, (sum(memory_usage_bytes) FILTER (WHERE tag = 'IN_MEMORY_TABLE') // 1048576 >= 45) AS held FROM duckdb_memory()",
      ),
    ).toEqual([{ spilled: 0, held: true }]);
    expect(await sink.query("SELECT count(*)::INTEGER AS n FROM kept")).toEqual([{ n: 600_000 }]);
  } finally {
    await sink.close();
  }
});
