import { afterEach, describe, expect, test } from "vitest";
import { DuplicateColumnsError } from "../errors/duplicate-columns-error.ts";
import { SchemaError } from "../errors/schema-error.ts";
import type { StreamDefinition } from "../schema/stream-definition.ts";
import type { Sink } from "../sink/sink.ts";
import { batch, epochMicros, everyTypeStream, state, target } from "./fixtures.ts";

/** How the suite gets destinations: each `fresh()` is an empty file, schema or dataset of its own. */
export interface SinkHarness {
  fresh(): Promise<{ open(): Sink; cleanup(): Promise<void> }>;
}

type Row = Record<string, unknown>;

/**
 * The behaviour every sink must show, written once (one line per sink runs it). It exercises the
 * contract only through `Sink` and `query`, so a sink that passes it can be swapped for another.
 */
export function describeSinkConformance(name: string, harness: SinkHarness): void {
  describe(`sink conformance: ${name}`, () => {
    const open: Sink[] = [];
    const cleanups: (() => Promise<void>)[] = [];

    async function freshSink(): Promise<{ sink: Sink; reopen: () => Sink }> {
      const destination = await harness.fresh();
      cleanups.push(destination.cleanup);
      const sink = destination.open();
      open.push(sink);
      return {
        sink,
        reopen: () => {
          const again = destination.open();
          open.push(again);
          return again;
        },
      };
    }

    afterEach(async () => {
      for (const sink of open.splice(0)) await sink.close();
      for (const cleanup of cleanups.splice(0)) await cleanup();
    });

    const select = (sink: Sink, table: string, order = "id"): Promise<readonly Row[]> =>
      sink.query(`SELECT * FROM ${quote(sink, table)} ORDER BY ${quote(sink, order)}`);

    test("creates its own tables and a data table with lineage columns", async () => {
      const { sink } = await freshSink();
      const everyType = target(everyTypeStream);
      await sink.prepare([everyType]);
      await sink.writeBatch(batch({ target: everyType, rows: [{ ...emptyRow(), id: "a" }] }));
      const [row] = await select(sink, everyType.table);
      expect(row?._parley_load_id).toMatch(/^load-/);
      expect(epochMicros(String(row?._parley_loaded_at))).toBe(epochMicros("2026-01-02T03:04:05.000Z"));
      for (const table of ["_parley_state", "_parley_loads", "_parley_rejects"]) {
        expect(await sink.query(`SELECT COUNT(*) AS n FROM ${quote(sink, table)}`)).toHaveLength(1);
      }
    });

    test("query refuses a result whose columns share a name, naming them, instead of dropping one", async () => {
      const { sink } = await freshSink();
      // BigQuery runs queries in the sink's dataset, which prepare creates.
      await sink.prepare([]);
      const refused = sink.query("SELECT 1 AS a, 2 AS a, 3 AS b, 4 AS b, 5 AS c");
      await expect(refused).rejects.toSatisfy(DuplicateColumnsError.isInstance);
      await expect(refused).rejects.toThrow(/more than one column named "a", "b"; .* with AS/);
      expect(await sink.query("SELECT 1 AS a, 2 AS b")).toEqual([{ a: 1, b: 2 }]);
    });

    test("round-trips every logical type, including nulls, extremes and nested JSON in order", async () => {
      const { sink } = await freshSink();
      const everyType = target(everyTypeStream);
      await sink.prepare([everyType]);
      const rows: Row[] = [
        {
          id: "full",
          count: 9007199254740991,
          ratio: 0.1 + 0.2,
          flag: true,
          happened_at: "2024-05-03T08:10:01.123456Z",
          day: "2024-02-29",
          payload: {
            list: [{ intent_name: "Greeting" }, { intent_name: "Refund" }],
            quote: 'a "q"\nline',
            n: 1.5,
            none: null,
          },
          select: "keyword column",
          conversationName: "projects/p/locations/l/conversations/c",
        },
        {
          id: "negatives",
          count: -42,
          ratio: -1e-9,
          flag: false,
          happened_at: "2024-05-03T10:10:01+02:00",
          day: "1970-01-01",
          payload: [],
          select: "",
          conversationName: "ünïcødé ✓ 日本",
        },
        { ...emptyRow(), id: "nulls" },
      ];
      await sink.writeBatch(batch({ target: everyType, rows }));
      const stored = await select(sink, everyType.table);
      expect(stored.map((row) => row.id)).toEqual(["full", "negatives", "nulls"]);
      const [full, negatives, nulls] = stored as [Row, Row, Row];
      expect(full.count).toBe(9007199254740991);
      expect(full.ratio).toBeCloseTo(0.30000000000000004, 15);
      expect(full.flag).toBe(true);
      expect(epochMicros(String(full.happened_at))).toBe(epochMicros("2024-05-03T08:10:01.123456Z"));
      expect(full.day).toBe("2024-02-29");
      expect(full.payload).toEqual(rows[0]?.payload);
      expect(full.select).toBe("keyword column");
      expect(full.conversationName).toBe("projects/p/locations/l/conversations/c");
      expect(negatives).toMatchObject({
        count: -42,
        flag: false,
        day: "1970-01-01",
        payload: [],
        select: "",
        conversationName: "ünïcødé ✓ 日本",
      });
      expect(epochMicros(String(negatives.happened_at))).toBe(epochMicros("2024-05-03T08:10:01Z"));
      for (const column of ["count", "ratio", "flag", "happened_at", "day", "payload", "select", "conversationName"]) {
        expect(nulls[column], column).toBeNull();
      }
    });

    test("append adds rows batch after batch", async () => {
      const { sink } = await freshSink();
      const events = target(simpleStream("events", "append"));
      await sink.prepare([events]);
      await sink.writeBatch(
        batch({
          target: events,
          rows: [
            { id: "1", value: 1 },
            { id: "2", value: 2 },
          ],
        }),
      );
      await sink.writeBatch(batch({ target: events, rows: [{ id: "1", value: 3 }] }));
      expect(await sink.query(`SELECT COUNT(*) AS n FROM ${quote(sink, events.table)}`)).toEqual([{ n: 3 }]);
    });

    test("merge upserts by key, the last record for a key wins within a batch, and the same input twice gives the same table", async () => {
      const { sink } = await freshSink();
      const calls = target(simpleStream("calls", "merge"));
      await sink.prepare([calls]);
      const input = [
        { id: "1", value: 1 },
        { id: "2", value: 2 },
        { id: "1", value: 10 },
      ];
      await sink.writeBatch(batch({ target: calls, rows: input }));
      const once = (await select(sink, calls.table)).map(({ id, value }) => ({ id, value }));
      expect(once).toEqual([
        { id: "1", value: 10 },
        { id: "2", value: 2 },
      ]);
      await sink.writeBatch(batch({ target: calls, rows: input }));
      expect((await select(sink, calls.table)).map(({ id, value }) => ({ id, value }))).toEqual(once);
      await sink.writeBatch(
        batch({
          target: calls,
          rows: [
            { id: "2", value: 20 },
            { id: "3", value: 3 },
          ],
        }),
      );
      expect((await select(sink, calls.table)).map(({ id, value }) => ({ id, value }))).toEqual([
        { id: "1", value: 10 },
        { id: "2", value: 20 },
        { id: "3", value: 3 },
      ]);
    });

    test("merge on a composite key keeps rows that share only part of it", async () => {
      const { sink } = await freshSink();
      const stream: StreamDefinition = {
        name: "conversations",
        writeDisposition: "merge",
        primaryKey: ["bot_id", "id"],
        columns: [
          { name: "bot_id", type: "string" },
          { name: "id", type: "string" },
          { name: "value", type: "integer" },
        ],
      };
      const conversations = target(stream);
      await sink.prepare([conversations]);
      await sink.writeBatch(
        batch({
          target: conversations,
          rows: [
            { bot_id: "a", id: "1", value: 1 },
            { bot_id: "b", id: "1", value: 2 },
          ],
        }),
      );
      await sink.writeBatch(batch({ target: conversations, rows: [{ bot_id: "a", id: "1", value: 5 }] }));
      const rows = await sink.query(
        `SELECT ${quote(sink, "bot_id")}, ${quote(sink, "value")} FROM ${quote(sink, conversations.table)} ORDER BY 1`,
      );
      expect(rows).toEqual([
        { bot_id: "a", value: 5 },
        { bot_id: "b", value: 2 },
      ]);
    });

    test("merge keeps one row per key as the warehouse compares keys: 1n and 1, one instant written two ways", async () => {
      const { sink } = await freshSink();
      const events = target({
        name: "events",
        writeDisposition: "merge",
        primaryKey: ["id", "at"],
        columns: [
          { name: "id", type: "integer" },
          { name: "at", type: "timestamp" },
          { name: "text", type: "string" },
        ],
      });
      await sink.prepare([events]);
      // A warehouse with a key constraint would refuse the second row of a key on every retry; one without would
      // store both: the batch must keep the last row of each key.
      await sink.writeBatch(
        batch({
          target: events,
          rows: [
            { id: 1n, at: "2026-01-01T00:00:00Z", text: "first" },
            { id: 1, at: "2026-01-01 01:00:00.000000+01:00", text: "last" },
            { id: 1, at: "2026-01-01T00:00:00.000001Z", text: "a microsecond later" },
            { id: 2, at: "2026-01-01T00:00:00Z", text: "other" },
          ],
        }),
      );
      const rows = await sink.query(
        `SELECT ${quote(sink, "id")}, ${quote(sink, "text")} FROM ${quote(sink, events.table)} ORDER BY 1, ${quote(sink, "at")}`,
      );
      expect(rows).toEqual([
        { id: 1, text: "last" },
        { id: 1, text: "a microsecond later" },
        { id: 2, text: "other" },
      ]);
    });

    test("replace shows the new rows only when the stream completes, and an unfinished replace leaves the old rows", async () => {
      const { sink, reopen } = await freshSink();
      const snapshot = target(simpleStream("snapshot", "replace"));
      await sink.prepare([snapshot]);
      await sink.writeBatch(batch({ loadId: "replace-1", target: snapshot, rows: [{ id: "old", value: 1 }] }));
      await sink.completeStream({ loadId: "replace-1", source: "conformance", target: snapshot });
      await sink.writeBatch(batch({ loadId: "replace-2", target: snapshot, rows: [{ id: "new", value: 2 }] }));
      expect((await select(sink, snapshot.table)).map((row) => row.id)).toEqual(["old"]);
      await sink.close();
      // A crash before completion: the next run sees the old rows and can replace them cleanly.
      const again = reopen();
      await again.prepare([snapshot]);
      expect((await select(again, snapshot.table)).map((row) => row.id)).toEqual(["old"]);
      await again.writeBatch(
        batch({
          loadId: "replace-3",
          target: snapshot,
          rows: [
            { id: "newer", value: 3 },
            { id: "newer", value: 4 },
          ],
        }),
      );
      await again.completeStream({
        loadId: "replace-3",
        source: "conformance",
        target: snapshot,
        state: state("snapshot", { done: true }),
      });
      expect((await select(again, snapshot.table)).map(({ id, value }) => ({ id, value }))).toEqual([
        { id: "newer", value: 4 },
      ]);
      expect((await again.readState("conformance")).map((stored) => stored.value)).toEqual([{ done: true }]);
    });

    test("adds new columns without losing data, and refuses an incompatible type change naming table and column", async () => {
      const { sink } = await freshSink();
      const v1 = target(simpleStream("evolving", "merge"));
      await sink.prepare([v1]);
      await sink.writeBatch(batch({ target: v1, rows: [{ id: "1", value: 1 }] }));
      const v2 = target(
        { ...v1.stream, columns: [...v1.stream.columns, { name: "added", type: "string" }] } as StreamDefinition,
        v1.table,
      );
      await sink.prepare([v2]);
      await sink.writeBatch(batch({ target: v2, rows: [{ id: "2", value: 2, added: "x" }] }));
      expect((await select(sink, v1.table)).map(({ id, value, added }) => ({ id, value, added }))).toEqual([
        { id: "1", value: 1, added: null },
        { id: "2", value: 2, added: "x" },
      ]);
      const incompatible = target(
        {
          ...v1.stream,
          columns: [
            { name: "id", type: "string" },
            { name: "value", type: "timestamp" },
          ],
        } as StreamDefinition,
        v1.table,
      );
      const error = await sink.prepare([incompatible]).catch((caught: unknown) => caught);
      expect(SchemaError.isInstance(error)).toBe(true);
      expect(String((error as Error).message)).toMatch(new RegExp(`${v1.table}.*value|value.*${v1.table}`));
      expect((error as SchemaError).column).toBe("value");
      expect(await select(sink, v1.table)).toHaveLength(2);
    });

    test("stores state with its batch, and a failing batch stores neither rows nor state", async () => {
      const { sink, reopen } = await freshSink();
      const calls = target(simpleStream("calls", "merge"));
      await sink.prepare([calls]);
      await sink.writeBatch(
        batch({ target: calls, rows: [{ id: "1", value: 1 }], state: state("calls", { cursor: 1 }) }),
      );
      const broken = batch({
        target: calls,
        rows: [
          { id: "2", value: 2 },
          { id: "3", value: "not an integer" },
        ],
        state: state("calls", { cursor: 3 }),
      });
      await expect(sink.writeBatch(broken)).rejects.toThrow();
      await sink.close();
      const again = reopen();
      await again.prepare([calls]);
      expect((await select(again, calls.table)).map((row) => row.id)).toEqual(["1"]);
      const stored = await again.readState("conformance");
      expect(stored.map(({ stream, value, version }) => ({ stream, value, version }))).toEqual([
        { stream: "calls", value: { cursor: 1 }, version: 1 },
      ]);
    });

    test("keeps state per source and stream, and resets it on request", async () => {
      const { sink } = await freshSink();
      const a = target(simpleStream("a", "merge"));
      const b = target(simpleStream("b", "merge"));
      await sink.prepare([a, b]);
      await sink.writeBatch(batch({ target: a, rows: [], state: state("a", { day: "2024-01-01" }) }));
      await sink.writeBatch(batch({ target: b, rows: [], state: state("b", { page: 2 }) }));
      await sink.writeBatch(
        batch({ source: "other", target: a, rows: [], state: state("a", { day: "2025-01-01" }, "other") }),
      );
      await sink.writeBatch(batch({ target: a, rows: [], state: state("a", { day: "2024-01-02" }) }));
      const stored = await sink.readState("conformance");
      expect(Object.fromEntries(stored.map((entry) => [entry.stream, entry.value]))).toEqual({
        a: { day: "2024-01-02" },
        b: { page: 2 },
      });
      expect(await sink.resetState("conformance", ["b"])).toBe(1);
      expect((await sink.readState("conformance")).map((entry) => entry.stream)).toEqual(["a"]);
      expect(await sink.resetState("conformance")).toBe(1);
      expect(await sink.readState("conformance")).toEqual([]);
      expect((await sink.readState("other")).map((entry) => entry.value)).toEqual([{ day: "2025-01-01" }]);
    });

    test("records rejects with reason, payload and load id, in the same transaction as the batch", async () => {
      const { sink } = await freshSink();
      const calls = target(simpleStream("calls", "merge"));
      await sink.prepare([calls]);
      await sink.writeBatch(
        batch({
          loadId: "with-rejects",
          target: calls,
          rows: [{ id: "1", value: 1 }],
          rejects: [
            { stream: "calls", payload: '{"id":"2","value":"x7"}', reason: 'column "value": expected an integer' },
          ],
        }),
      );
      const rejects = await sink.query(`SELECT * FROM ${quote(sink, "_parley_rejects")}`);
      expect(rejects).toHaveLength(1);
      expect(rejects[0]).toMatchObject({
        load_id: "with-rejects",
        source: "conformance",
        stream: "calls",
        reason: 'column "value": expected an integer',
        payload: '{"id":"2","value":"x7"}',
      });
      const failing = batch({
        target: calls,
        rows: [{ id: "9", value: "bad" }],
        rejects: [{ stream: "calls", payload: "{}", reason: "r" }],
      });
      await expect(sink.writeBatch(failing)).rejects.toThrow();
      expect(await sink.query(`SELECT * FROM ${quote(sink, "_parley_rejects")}`)).toHaveLength(1);
    });

    test("keeps a ledger of loads: running, then finished with status and per-stream counts", async () => {
      const { sink } = await freshSink();
      await sink.prepare([]);
      await sink.startLoad({ loadId: "L1", source: "conformance", startedAt: "2026-01-01T00:00:00.000Z" });
      await sink.startLoad({ loadId: "L2", source: "conformance", startedAt: "2026-01-01T01:00:00.000Z" });
      expect((await sink.listLoads("conformance")).map((load) => [load.loadId, load.status])).toEqual([
        ["L2", "running"],
        ["L1", "running"],
      ]);
      const streams = [
        { stream: "calls", table: "t", records: 3, rejects: 1, stateBefore: null, stateAfter: { cursor: 3 } },
      ];
      await sink.finishLoad({
        loadId: "L1",
        source: "conformance",
        startedAt: "2026-01-01T00:00:00.000Z",
        finishedAt: "2026-01-01T00:05:00.000Z",
        status: "succeeded",
        streams,
        error: null,
      });
      await sink.finishLoad({
        loadId: "L2",
        source: "conformance",
        startedAt: "2026-01-01T01:00:00.000Z",
        finishedAt: "2026-01-01T01:00:01.000Z",
        status: "failed",
        streams: [],
        error: "HTTP 500",
      });
      const loads = await sink.listLoads("conformance");
      expect(loads.map((load) => [load.loadId, load.status, load.error])).toEqual([
        ["L2", "failed", "HTTP 500"],
        ["L1", "succeeded", null],
      ]);
      expect(loads[1]?.streams).toEqual(streams);
      expect(epochMicros(String(loads[1]?.finishedAt))).toBe(epochMicros("2026-01-01T00:05:00.000Z"));
      expect(await sink.listLoads("nobody")).toEqual([]);
    });

    test("persists everything across close and reopen", async () => {
      const { sink, reopen } = await freshSink();
      const calls = target(simpleStream("calls", "merge"));
      await sink.prepare([calls]);
      await sink.writeBatch(
        batch({ target: calls, rows: [{ id: "1", value: 1 }], state: state("calls", { cursor: 1 }) }),
      );
      await sink.close();
      const again = reopen();
      expect((await again.readState("conformance")).map((entry) => entry.value)).toEqual([{ cursor: 1 }]);
      expect((await select(again, calls.table)).map((row) => row.id)).toEqual(["1"]);
    });
  });
}

function simpleStream(name: string, writeDisposition: StreamDefinition["writeDisposition"]): StreamDefinition {
  const columns = [
    { name: "id", type: "string" },
    { name: "value", type: "integer" },
  ] as const;
  return writeDisposition === "merge"
    ? { name, writeDisposition, primaryKey: ["id"], columns }
    : writeDisposition === "replace"
      ? { name, writeDisposition, primaryKey: ["id"], columns }
      : { name, writeDisposition, columns };
}

function emptyRow(): Row {
  return Object.fromEntries(everyTypeStream.columns.map((column) => [column.name, null]));
}

/** Identifier quoting for the suite's own queries: backticks for BigQuery, double quotes elsewhere. */
export function quote(sink: Sink, identifier: string): string {
  return sink.dialect === "bigquery" ? `\`${identifier}\`` : `"${identifier.replaceAll('"', '""')}"`;
}
