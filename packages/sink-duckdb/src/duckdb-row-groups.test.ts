import { spawnSync } from "node:child_process";
import { mkdir, mkdtemp, rm, stat, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { batch, target } from "@parley/core/testing";
import { afterEach, expect, test } from "vitest";
import { createDuckdbSink } from "./duckdb-sink.ts";

let work: string | undefined;
afterEach(async () => {
  if (work !== undefined) await rm(work, { recursive: true, force: true });
});

const events = target({
  name: "events",
  writeDisposition: "append",
  columns: [
    { name: "id", type: "string" },
    { name: "text", type: "string" },
  ],
});
const rows = (from: number, count: number) =>
  Array.from({ length: count }, (_, index) => ({ id: `e${from + index}`, text: `${from + index} `.repeat(40) }));
const walBytes = (path: string) =>
  stat(`${path}.wal`).then(
    (file) => file.size,
    () => 0,
  );

test("a batch of at least rowGroupSize rows is written straight into the file, not through the WAL; a smaller one goes through the WAL", async () => {
  work = await mkdtemp(join(tmpdir(), "parley-duckdb-row-groups-"));
  const path = join(work, "db.duckdb");
  const sink = createDuckdbSink({ path, rowGroupSize: 8192 });
  try {
    await sink.prepare([events]);
    // The first rows into an empty table go straight into the file whatever their number: the second batch tells.
    await sink.writeBatch(batch({ target: events, rows: rows(0, 100) }));
    const before = await walBytes(path);
    await sink.writeBatch(batch({ target: events, rows: rows(100, 9000) }));
    const afterLarge = await walBytes(path);
    // 9,000 rows of ~200 bytes: through the WAL they would add about 1.8 MB to it.
    expect(afterLarge - before).toBeLessThan(200_000);
    await sink.writeBatch(batch({ target: events, rows: rows(9100, 1000) }));
    expect((await walBytes(path)) - afterLarge).toBeGreaterThan(150_000);
  } finally {
    await sink.close();
  }
  const reopened = createDuckdbSink({ path });
  try {
    expect(
      await reopened.query(`SELECT count(*)::INTEGER AS n, count(DISTINCT id)::INTEGER AS ids FROM ${events.table}`),
    ).toEqual([{ n: 10_100, ids: 10_100 }]);
  } finally {
    await reopened.close();
  }
});

test("rowGroupSize must be a multiple of DuckDB's vector size (2048)", async () => {
  expect(() => createDuckdbSink({ path: ":memory:", rowGroupSize: 5000 })).toThrow(/rowGroupSize/);
});

test("the file opens however its path is written: relative (as the default ./parley.duckdb), through a symlinked folder, with `..`, or named like DuckDB's in-memory catalog", async () => {
  work = await mkdtemp(join(tmpdir(), "parley-duckdb-paths-"));
  await mkdir(join(work, "real"));
  await symlink(join(work, "real"), join(work, "link"));
  const paths = [
    relative(process.cwd(), join(work, "relative.duckdb")),
    join(work, "link", "a.duckdb"),
    `${work}/real/../real/b.duckdb`,
    join(work, "memory.duckdb"),
  ];
  for (const path of paths) {
    const sink = createDuckdbSink({ path });
    try {
      await sink.prepare([events]);
      await sink.writeBatch(batch({ target: events, rows: rows(0, 3) }));
    } finally {
      await sink.close();
    }
    const reopened = createDuckdbSink({ path });
    try {
      expect(await reopened.query(`SELECT count(*)::INTEGER AS n FROM ${events.table}`), path).toEqual([{ n: 3 }]);
    } finally {
      await reopened.close();
    }
  }
});

test("rows committed straight into the file, and their state, survive a SIGKILL before any checkpoint", async () => {
  work = await mkdtemp(join(tmpdir(), "parley-duckdb-row-groups-kill-"));
  const path = join(work, "db.duckdb");
  // A process that commits two batches (the second of more than rowGroupSize rows, with its state) and is killed.
  const child = `
    import { createDuckdbSink } from "@parley/sink-duckdb";
    import { batch, state, target } from "@parley/core/testing";
    const events = target(${JSON.stringify({ name: "events", writeDisposition: "append", columns: events.stream.columns })});
    const rows = (from, count) => Array.from({ length: count }, (_, i) => ({ id: "e" + (from + i), text: "x".repeat(200) }));
    const sink = createDuckdbSink({ path: ${JSON.stringify(path)}, rowGroupSize: 8192 });
    await sink.prepare([events]);
    await sink.writeBatch(batch({ target: events, rows: rows(0, 100) }));
    await sink.writeBatch(batch({ target: events, rows: rows(100, 9000), state: state("events", { upTo: 9100 }) }));
    process.kill(process.pid, "SIGKILL");
  `;
  const run = spawnSync(process.execPath, ["--conditions=@parley/source", "--input-type=module", "-e", child], {
    cwd: fileURLToPath(new URL("..", import.meta.url)),
    encoding: "utf8",
  });
  expect(run.signal, run.stderr).toBe("SIGKILL");
  const reopened = createDuckdbSink({ path });
  try {
    expect(
      await reopened.query(`SELECT count(*)::INTEGER AS n, count(DISTINCT id)::INTEGER AS ids FROM ${events.table}`),
    ).toEqual([{ n: 9100, ids: 9100 }]);
    expect((await reopened.readState("conformance")).map((stored) => stored.value)).toEqual([{ upTo: 9100 }]);
  } finally {
    await reopened.close();
  }
});
