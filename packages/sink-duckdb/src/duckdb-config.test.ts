import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { batch, target } from "@parley/core/testing";
import { expect, test } from "vitest";
import { duckdbConfigSchema } from "./duckdb-config.ts";
import { createDuckdbSink } from "./duckdb-sink.ts";

const issues = (settings: Record<string, unknown>) =>
  duckdbConfigSchema.safeParse(settings).error?.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`) ??
  [];

test("a memoryLimit too small for loadThreads is refused, naming the field (DuckDB's JSON reader failed every row-path write out of memory)", () => {
  expect(issues({})).toEqual([]);
  expect(issues({ loadThreads: 2 })).toEqual([
    "loadThreads: 2 loading threads need a memoryLimit of at least 352MiB (DuckDB's JSON reader takes 128 MiB per loading thread); raise memoryLimit or lower loadThreads",
  ]);
  expect(issues({ memoryLimit: "100MB" })).toEqual([
    "memoryLimit: 1 loading thread needs a memoryLimit of at least 224MiB (DuckDB's JSON reader takes 128 MiB per loading thread); raise memoryLimit or lower loadThreads",
  ]);
  expect(issues({ loadThreads: 2, memoryLimit: "352MiB" })).toEqual([]);
  expect(issues({ loadThreads: 4, memoryLimit: "1GB" })).toEqual([]);
});

const events = target({
  name: "events",
  writeDisposition: "merge",
  primaryKey: ["id"],
  columns: [
    { name: "id", type: "integer" },
    { name: "text", type: "string" },
  ],
  mapping: {
    fields: [
      { column: "id", from: ["id"], reading: "count" },
      { column: "text", from: ["text"], reading: "text" },
    ],
  },
});
const context = { values: {}, where: "test" };

test.each([
  [1, "224MiB"],
  [2, "352MiB"],
] as const)(
  "with %i loading thread(s) and the smallest memoryLimit allowed (%s), writes load on the row path and the bulk path",
  async (loadThreads, memoryLimit) => {
    const work = await mkdtemp(join(tmpdir(), "parley-duckdb-config-"));
    const sink = createDuckdbSink({ path: join(work, "db.duckdb"), threads: 4, loadThreads, memoryLimit });
    try {
      await sink.prepare([events]);
      const rows = Array.from({ length: 20_000 }, (_, index) => ({ id: index % 15_000, text: "x".repeat(100) }));
      await sink.writeBatch(batch({ target: events, rows }));
      await sink.writeBatch(batch({ target: events, rows: [{ id: 1, text: "again" }] }));
      // The bulk path: DuckDB reads the raw records (keys repeat: ranked through a temporary table).
      const lines = rows.map(({ id, text }) => `{"id":"${id + 15_000}","text":"${text}"}`).join("\n");
      const raw = { layout: "ndjson", bytes: Buffer.from(lines), count: rows.length } as const;
      expect(
        await sink.writeBatch({ ...batch({ target: events, rows: [] }), raw: [{ context, records: raw }] }),
      ).toEqual({ rejected: 0, mappedInJavaScript: 0 });
      expect(await sink.query(`SELECT count(*)::INTEGER AS n FROM ${events.table}`)).toEqual([{ n: 30_000 }]);
    } finally {
      await sink.close();
      await rm(work, { recursive: true, force: true });
    }
  },
);
