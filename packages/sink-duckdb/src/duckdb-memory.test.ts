import { mkdtemp, readdir, rm } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
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
  const sink = createDuckdbSink({ path: ":memory:", stagingDirectory: work, memoryLimit: "64MB" });
  try {
    const [row] = await sink.query(settings);
    const folders = await readdir(join(work, "parley-staging"));
    const host = hostname().replace(/[^A-Za-z0-9]/g, "");
    expect(folders).toEqual([expect.stringMatching(new RegExp(`^run-${host}-${process.pid}-`))]);
    expect(row).toEqual({ memory: "61.0 MiB", spill: join(work, "parley-staging", folders[0] as string) });
    // More than the limit: only possible by spilling there.
    await sink.query("CREATE TABLE big AS SELECT range AS id, repeat('x', 200) AS text FROM range(1500000)");
    expect(await sink.query("SELECT count(*)::INTEGER AS n FROM big")).toEqual([{ n: 1_500_000 }]);
  } finally {
    await sink.close();
  }
  expect(await readdir(join(work, "parley-staging"))).toEqual([]);
});
