import { LockLostError } from "@parley/core";
import { batch, target } from "@parley/core/testing";
import pg from "pg";
import { describe, expect, test } from "vitest";
import { testServer, textStream, useFreshSinks } from "./__fixtures__/postgres-schemas.ts";

const freshSink = useFreshSinks();

/** The backend holding the sink lock of `source` in `schema`, found by the lock's key. */
async function lockBackend(schema: string, source: string): Promise<number[]> {
  const client = new pg.Client(testServer);
  await client.connect();
  try {
    const result = await client.query<{ pid: number }>(
      `SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted
       AND objid::bigint = (hashtext($1)::bigint & 4294967295)`,
      [`parley-sink:${schema}/${source}`],
    );
    return result.rows.map((row) => row.pid);
  } finally {
    await client.end();
  }
}

async function terminate(pid: number): Promise<void> {
  const client = new pg.Client(testServer);
  await client.connect();
  try {
    await client.query("SELECT pg_terminate_backend($1)", [pid]);
  } finally {
    await client.end();
  }
}

const load = { source: "calls", loadId: "run-a", startedAt: "2026-01-02T03:04:05.000Z" };

describe("postgres sink lock", () => {
  test("a terminated lock connection fails the next write with LockLostError and commits nothing", async () => {
    const { sink, schema } = freshSink();
    const texts = target(textStream);
    await sink.prepare([texts]);
    const lock = await sink.lock(load);
    const [pid, ...others] = await lockBackend(schema, load.source);
    expect(others).toEqual([]);
    await terminate(pid as number);
    // pg_terminate_backend only signals the backend: until it has exited, the lock is still held.
    while ((await lockBackend(schema, load.source)).length > 0) await new Promise((resolve) => setTimeout(resolve, 10));

    const write = batch({
      target: texts,
      source: load.source,
      loadId: load.loadId,
      rows: [{ id: "1", text: "a", nested: null }],
    });
    const refused = await sink.writeBatch(write).catch((error: unknown) => error);
    expect(LockLostError.isInstance(refused), String(refused)).toBe(true);
    expect((refused as Error).message).toMatch(/run-a lost its lock on calls in postgres/);
    expect(await sink.query(`SELECT COUNT(*) AS n FROM ${texts.table}`)).toEqual([{ n: 0 }]);
    // The lock really is free: another run takes it, which is why the write above had to be refused.
    const other = await sink.lock({ ...load, loadId: "run-b" });
    await other.release();
    await lock.release();
  });

  test("the lock has a connection of its own: with a pool of one, batches still run, and release frees the lock", async () => {
    const { sink, schema } = freshSink(1);
    const texts = target(textStream);
    await sink.prepare([texts]);
    const lock = await sink.lock(load);
    const write = batch({
      target: texts,
      source: load.source,
      loadId: load.loadId,
      rows: [{ id: "1", text: "a", nested: null }],
    });
    await sink.writeBatch(write);
    expect(await sink.query(`SELECT COUNT(*) AS n FROM ${texts.table}`)).toEqual([{ n: 1 }]);
    await lock.release();
    expect(await lockBackend(schema, load.source)).toEqual([]);
  });
});
