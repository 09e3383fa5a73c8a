import type { StreamDefinition, TableTarget } from "@parley/core";
import { batch, target } from "@parley/core/testing";
import { replaceStagingTable } from "@parley/core/warehouse";
import { describe, expect, test } from "vitest";
import { testServer, textStream, useFreshSinks } from "./__fixtures__/postgres-schemas.ts";
import { createPostgresSink } from "./postgres-sink.ts";

const freshSink = useFreshSinks();

describe("postgres sink", () => {
  test("round-trips hostile strings in text and JSON columns", async () => {
    const { sink } = freshSink();
    const texts = target(textStream);
    await sink.prepare([texts]);
    const hostile = [
      "back\\slash",
      "tab\tand\nnewline\r\n",
      "\\N",
      "\\.",
      "\\.\n\\.",
      "\\\\N",
      "'quote\" -- ;",
      "日本 ✓ \u{1F600}",
      "\\t literal",
      "",
    ];
    const rows = hostile.map((text, index) => ({ id: String(index), text, nested: { text, list: [text] } }));
    await sink.writeBatch(batch({ target: texts, rows }));
    const stored = await sink.query(`SELECT id, text, nested FROM ${texts.table} ORDER BY id::int`);
    expect(stored).toEqual(rows);
  });

  test("query refuses two aggregates PostgreSQL names alike (both `count`), and the last of several statements", async () => {
    const { sink } = freshSink();
    const values = "(VALUES (1), (1), (2)) AS calls(call_id)";
    await expect(sink.query(`SELECT count(*), count(DISTINCT call_id) FROM ${values}`)).rejects.toThrow(
      /more than one column named "count"; .* with AS/,
    );
    await expect(sink.query(`SELECT 1 AS a; SELECT 1 AS b, 2 AS b`)).rejects.toThrow(/column named "b"/);
    expect(await sink.query(`SELECT count(*) AS calls, count(DISTINCT call_id) AS ids FROM ${values}`)).toEqual([
      { calls: 3, ids: 2 },
    ]);
  });

  test("query keeps declared-precision numerics exact; arithmetic numerics stay numbers", async () => {
    const { sink } = freshSink();
    const rows = await sink.query(
      `SELECT 12345678901234567890.123::numeric(38,3) AS big, (-0.000000000000000000001)::numeric(30,21) AS tiny, 0.10000000000000000001::numeric(30,20) AS long,
              1.50::numeric(4,2) AS plain, 12345678901234567890::numeric(30,0) AS whole, 1.0 * 1 / 3 AS rate`,
    );
    expect(rows).toEqual([
      {
        big: "12345678901234567890.123",
        tiny: -1e-21,
        long: "0.10000000000000000001",
        plain: 1.5,
        whole: 12345678901234567890n,
        rate: 1 / 3,
      },
    ]);
  });

  test("stores a NUL character, which PostgreSQL cannot hold, as U+FFFD instead of failing the batch", async () => {
    const { sink } = freshSink();
    const texts = target(textStream);
    await sink.prepare([texts]);
    await sink.writeBatch(
      batch({
        target: texts,
        rows: [{ id: "1", text: "a\0b", nested: { text: "a\0b" } }],
        rejects: [{ stream: "texts", payload: "x\0y", reason: "r" }],
      }),
    );
    expect(await sink.query(`SELECT text, nested FROM ${texts.table}`)).toEqual([
      { text: "a\uFFFDb", nested: { text: "a\uFFFDb" } },
    ]);
    expect(await sink.query("SELECT payload FROM _parley_rejects")).toEqual([{ payload: "x\uFFFDy" }]);
  });

  test("keeps integers beyond 2^53 exact (as bigint) and timestamps to the microsecond", async () => {
    const { sink } = freshSink();
    const stream: StreamDefinition = {
      name: "numbers",
      writeDisposition: "append",
      columns: [
        { name: "big", type: "integer" },
        { name: "at", type: "timestamp" },
        { name: "day", type: "date" },
      ],
    };
    const numbers = target(stream);
    await sink.prepare([numbers]);
    await sink.writeBatch(
      batch({
        target: numbers,
        rows: [
          { big: 9007199254740993n, at: "2024-05-03T08:10:01.123456Z", day: "2024-02-29" },
          { big: -9223372036854775808n, at: "2024-05-03T10:10:01.000001+02:00", day: "0001-01-01" },
        ],
      }),
    );
    expect(await sink.query(`SELECT big, at, day FROM ${numbers.table} ORDER BY big DESC`)).toEqual([
      { big: 9007199254740993n, at: "2024-05-03T08:10:01.123456Z", day: "2024-02-29" },
      { big: -9223372036854775808n, at: "2024-05-03T08:10:01.000001Z", day: "0001-01-01" },
    ]);
    expect(
      await sink.query(
        "SELECT 7::int AS small, 2.5::numeric AS fraction, 12::numeric AS whole, SUM(x) AS total FROM (VALUES (1::bigint), (2)) AS v(x)",
      ),
    ).toEqual([{ small: 7, fraction: 2.5, whole: 12, total: 3 }]);
  });

  test("merge replaces rows whose keys a batch meets, and keeps the last row per key", async () => {
    const { sink } = freshSink();
    const texts = target(textStream);
    await sink.prepare([texts]);
    await sink.writeBatch(
      batch({
        loadId: "first",
        target: texts,
        rows: [
          { id: "1", text: "a", nested: null },
          { id: "2", text: "b", nested: null },
        ],
      }),
    );
    const rows = Array.from({ length: 5000 }, (_, index) => ({
      id: String(index % 3000),
      text: `v${index}`,
      nested: [index],
    }));
    await sink.writeBatch(batch({ loadId: "second", target: texts, rows }));
    const stored = await sink.query(
      `SELECT id, text, nested, _parley_load_id AS load FROM ${texts.table} WHERE id IN ('1', '2', '2999') ORDER BY id`,
    );
    expect(stored).toEqual([
      { id: "1", text: "v3001", nested: [3001], load: "second" },
      { id: "2", text: "v3002", nested: [3002], load: "second" },
      { id: "2999", text: "v2999", nested: [2999], load: "second" },
    ]);
    expect(await sink.query(`SELECT COUNT(*) AS n FROM ${texts.table}`)).toEqual([{ n: 3000 }]);
  });

  test("batches written at the same time each get a connection and all land", async () => {
    const { sink } = freshSink(3);
    const tables: TableTarget[] = ["a", "b", "c"].map((name) => target({ ...textStream, name }, `parallel_${name}`));
    await sink.prepare(tables);
    await Promise.all(
      tables.flatMap((table) =>
        [0, 1, 2].map((part) =>
          sink.writeBatch(
            batch({
              target: table,
              rows: Array.from({ length: 1000 }, (_, index) => ({
                id: `${part}-${index}`,
                text: table.table,
                nested: null,
              })),
            }),
          ),
        ),
      ),
    );
    const counts = await sink.query(
      tables.map((table) => `SELECT '${table.table}' AS name, COUNT(*) AS n FROM ${table.table}`).join(" UNION ALL ") +
        " ORDER BY name",
    );
    expect(counts).toEqual(tables.map((table) => ({ name: table.table, n: 3000 })));
  });

  test("replace discards staged rows of a run that never completed, and long table names get distinct staging tables", async () => {
    const { sink, schema } = freshSink();
    const stream: StreamDefinition = { ...textStream, writeDisposition: "replace" };
    const snapshot = target(stream, "snapshot");
    await sink.prepare([snapshot]);
    await sink.writeBatch(
      batch({ loadId: "crashed", target: snapshot, rows: [{ id: "stale", text: "x", nested: null }] }),
    );
    await sink.writeBatch(
      batch({ loadId: "next", target: snapshot, rows: [{ id: "fresh", text: "y", nested: null }] }),
    );
    await sink.completeStream({ loadId: "next", source: "conformance", target: snapshot });
    expect((await sink.query("SELECT id FROM snapshot")).map((row) => row.id)).toEqual(["fresh"]);
    // The next run's prepare drops what the crashed load staged: it is not running.
    const nextRun = createPostgresSink({ ...testServer, schema });
    await nextRun.prepare([snapshot]);
    await nextRun.close();
    expect(await sink.query("SELECT tablename FROM pg_tables WHERE tablename LIKE '\\_parley\\_replace%'")).toEqual([]);
    const long = `${"t".repeat(60)}_a`;
    const other = `${"t".repeat(60)}_b`;
    expect(replaceStagingTable(long, "load", 63)).toHaveLength(63);
    expect(replaceStagingTable(long, "load", 63)).not.toBe(replaceStagingTable(other, "load", 63));
    expect(replaceStagingTable("snapshot", "one", 63)).not.toBe(replaceStagingTable("snapshot", "two", 63));
  });

  test("views made with execute live in the sink's schema and read the normalised values", async () => {
    const { sink, schema } = freshSink();
    const texts = target(textStream);
    await sink.prepare([texts]);
    await sink.writeBatch(batch({ target: texts, rows: [{ id: "1", text: "a", nested: { n: 1 } }] }));
    await sink.execute(
      `CREATE OR REPLACE VIEW text_view AS SELECT id, nested, _parley_loaded_at AS loaded FROM ${texts.table}`,
    );
    expect(await sink.query(`SELECT * FROM "${schema}".text_view`)).toEqual([
      { id: "1", nested: { n: 1 }, loaded: "2026-01-02T03:04:05Z" },
    ]);
  });

  test("a refused value fails the whole batch with the column and line in the message", async () => {
    const { sink } = freshSink();
    const stream: StreamDefinition = {
      name: "counts",
      writeDisposition: "merge",
      primaryKey: ["id"],
      columns: [
        { name: "id", type: "string" },
        { name: "count", type: "integer" },
      ],
    };
    const counts = target(stream);
    await sink.prepare([counts]);
    const rows = [
      { id: "1", count: 1 },
      { id: "2", count: "seven" },
      { id: "3", count: 3 },
    ];
    await expect(sink.writeBatch(batch({ target: counts, rows }))).rejects.toThrow(
      /^PostgreSQL: invalid input syntax for type bigint: "seven" \(COPY conformance_counts, line 2, column count: "seven"\)/,
    );
    expect(await sink.query(`SELECT COUNT(*) AS n FROM ${counts.table}`)).toEqual([{ n: 0 }]);
  });
});
