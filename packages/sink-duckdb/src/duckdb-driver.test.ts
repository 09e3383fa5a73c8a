import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { batch, target, testDriverStaging } from "@parley/core/testing";
import { afterEach, expect, test } from "vitest";
import { duckdbConfigSchema } from "./duckdb-config.ts";
import { createDuckdbDriver } from "./duckdb-driver.ts";
import { createDuckdbSink } from "./duckdb-sink.ts";

let work: string | undefined;
afterEach(async () => {
  if (work !== undefined) await rm(work, { recursive: true, force: true });
});

test("batches are staged in a private folder under stagingDirectory, and a dead run's leftover files are removed", async () => {
  work = await mkdtemp(join(tmpdir(), "parley-duckdb-staging-"));
  const host = hostname().replace(/[^A-Za-z0-9]/g, "");
  const deadPid = spawnSync(process.execPath, ["-e", ""]).pid as number;
  const leftover = join(work, "parley-staging", `run-${host}-${deadPid}-killed`);
  await mkdir(leftover, { recursive: true });
  await writeFile(join(leftover, "batch.ndjson"), '{"id":"secret conversation"}\n');
  const sink = createDuckdbSink({ path: join(work, "db.duckdb"), stagingDirectory: work });
  const events = target({ name: "events", writeDisposition: "append", columns: [{ name: "id", type: "string" }] });
  await sink.prepare([events]);
  await sink.writeBatch(batch({ target: events, rows: [{ id: "a" }] }));
  const folders = await readdir(join(work, "parley-staging"));
  expect(folders).toHaveLength(1);
  expect(folders[0]).toMatch(new RegExp(`^run-${host}-${process.pid}-`));
  expect((await stat(join(work, "parley-staging", folders[0] as string))).mode & 0o777).toBe(0o700);
  await sink.close();
  expect(await readdir(join(work, "parley-staging"))).toEqual([]);
});

testDriverStaging("duckdb", async () => {
  const directory = await mkdtemp(join(tmpdir(), "parley-duckdb-driver-"));
  const config = duckdbConfigSchema.parse({ path: join(directory, "db.duckdb") });
  return { driver: createDuckdbDriver(config), cleanup: () => rm(directory, { recursive: true, force: true }) };
});

test("query returns DECIMAL values exactly: a number when nothing is lost, else the exact decimal text", async () => {
  const sink = createDuckdbSink({ path: ":memory:" });
  try {
    const rows = await sink.query(
      `SELECT 12345678901234567890.123::DECIMAL(38,3) AS big, 1.50::DECIMAL(4,2) AS plain,
              (-0.000000000000000000001)::DECIMAL(30,21) AS tiny, 0.10000000000000000001::DECIMAL(30,20) AS long, 1.0 * 3 AS product`,
    );
    expect(rows).toEqual([
      { big: "12345678901234567890.123", plain: 1.5, tiny: -1e-21, long: "0.10000000000000000001", product: 3 },
    ]);
  } finally {
    await sink.close();
  }
});

test("writes run on loadThreads and every other statement on all threads, after a failed write too", async () => {
  work = await mkdtemp(join(tmpdir(), "parley-duckdb-threads-"));
  const sink = createDuckdbSink({ path: join(work, "db.duckdb"), threads: 3, loadThreads: 1 });
  const events = target({ name: "events", writeDisposition: "append", columns: [{ name: "id", type: "integer" }] });
  const threads = "SELECT current_setting('threads')::INTEGER AS threads";
  try {
    await sink.prepare([events]);
    await sink.writeBatch(batch({ target: events, rows: [{ id: 1 }] }));
    expect(await sink.query(threads)).toEqual([{ threads: 3 }]);
    // A value the column's type refuses fails the write inside DuckDB.
    await expect(sink.writeBatch(batch({ target: events, rows: [{ id: "not a number" }] }))).rejects.toThrow();
    expect(await sink.query(threads)).toEqual([{ threads: 3 }]);
    expect(await sink.query(`SELECT count(*)::INTEGER AS n FROM ${events.table}`)).toEqual([{ n: 1 }]);
  } finally {
    await sink.close();
  }
  // Inside a write's transaction, DuckDB runs on loadThreads.
  const driver = createDuckdbDriver(
    duckdbConfigSchema.parse({ path: join(work, "db.duckdb"), threads: 3, loadThreads: 1 }),
  );
  try {
    await driver.transaction(async (transaction) => {
      await transaction.run("CREATE TABLE seen AS SELECT current_setting('threads')::INTEGER AS threads");
    });
    expect(await driver.query("SELECT threads FROM seen")).toEqual([{ threads: 1 }]);
    expect(await driver.query(threads)).toEqual([{ threads: 3 }]);
  } finally {
    await driver.close();
  }
});

test("a row-path batch of large rows loads within the default memoryLimit, and a row over 16 MiB loads too", async () => {
  work = await mkdtemp(join(tmpdir(), "parley-duckdb-large-rows-"));
  const sink = createDuckdbSink({ path: join(work, "db.duckdb") });
  const notes = target({
    name: "notes",
    writeDisposition: "merge",
    primaryKey: ["id"],
    columns: [
      { name: "id", type: "string" },
      { name: "body", type: "json" },
    ],
  });
  // ~60 MB of incompressible text in one batch: with a 64 MiB object limit DuckDB's reader left it no room.
  const rows = Array.from({ length: 3000 }, (_, index) => ({
    id: `n${index}`,
    body: { text: randomBytes(10_000).toString("hex") },
  }));
  try {
    await sink.prepare([notes]);
    await sink.writeBatch(batch({ target: notes, rows }));
    await sink.writeBatch(
      batch({ target: notes, rows: [{ id: "huge", body: { text: "y".repeat(20 * 1024 * 1024) } }] }),
    );
    expect(
      await sink.query(
        `SELECT count(*)::INTEGER AS n, max(length(CAST(body AS VARCHAR)))::INTEGER AS longest FROM ${notes.table}`,
      ),
    ).toEqual([{ n: 3001, longest: 20 * 1024 * 1024 + 11 }]);
  } finally {
    await sink.close();
  }
}, 60_000);
