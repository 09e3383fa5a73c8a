import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Sink, type Source, type SourceMessage, silentLogger } from "@parley/core";
import { runSync } from "@parley/runner";
import { createDuckdbSink } from "@parley/sink-duckdb";
import { afterEach, describe, expect, test } from "vitest";
import { z } from "zod";
import { freshPostgresSchema } from "../support/postgres-schema.ts";

/**
 * A source as a new user might write it: one append stream, records 1-3, a checkpoint, then records 4-5 and no
 * checkpoint after them. Stored state `{ after: n }` makes it start at record n + 1.
 */
function tailSource(): Source {
  const stateSchema = z.object({ after: z.int() });
  return {
    apiVersion: 1,
    type: "tail_demo",
    streams: [
      {
        name: "events",
        writeDisposition: "append",
        columns: [{ name: "id", type: "integer", nullable: false }],
      },
    ],
    stateVersion: 1,
    stateSchema,
    async check() {},
    async *read(context): AsyncIterable<SourceMessage> {
      const stored = context.state.get("events");
      const after = stored === undefined ? 0 : stateSchema.parse(stored).after;
      for (let id = after + 1; id <= 5; id++) {
        yield { kind: "record", stream: "events", record: { id } };
        if (id === 3) yield { kind: "checkpoint", stream: "events", state: { after: 3 } };
      }
    },
    async close() {},
  };
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function duckdb(): Promise<Sink> {
  const directory = await mkdtemp(join(tmpdir(), "parley-append-tail-"));
  const sink = createDuckdbSink({ path: join(directory, "tail.duckdb") });
  cleanups.push(async () => {
    await sink.close();
    await rm(directory, { recursive: true, force: true });
  });
  return sink;
}

async function postgres(): Promise<Sink> {
  const fresh = freshPostgresSchema("append_tail");
  cleanups.push(fresh.drop);
  return fresh.sink;
}

describe.each([
  ["DuckDB", duckdb],
  ["PostgreSQL", postgres],
] as const)("an append stream whose records continue after its last checkpoint (%s)", (_label, open) => {
  test("is refused naming the connector, and two runs never store a record twice", async () => {
    const sink = await open();
    const run = () =>
      runSync({ sourceName: "demo", source: tailSource(), sink, tablePrefix: "demo", logger: silentLogger });
    const first = await run();
    const second = await run();
    const [counts] = await sink.query("SELECT COUNT(*) AS n, COUNT(DISTINCT id) AS ids FROM demo_events");
    expect(counts).toEqual({ n: 3, ids: 3 });
    for (const result of [first, second]) {
      expect(result.status).toBe("failed");
      expect(String((result.error as Error).message)).toMatch(/tail_demo connector.*events.*2 record\(s\).*checkpoint/);
    }
    expect((await sink.readState("demo")).map((entry) => entry.value)).toEqual([{ after: 3 }]);
  });
});
