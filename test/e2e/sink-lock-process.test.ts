import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { LoadInProgressError, type Sink, type SinkLock } from "@parley/core";
import { createDuckdbSink } from "@parley/sink-duckdb";
import { afterEach, describe, expect, test } from "vitest";
import { workspace } from "../support/cli-harness.ts";
import { freshPostgresSchema, postgresUrl } from "../support/postgres-schema.ts";

const holderScript = fileURLToPath(new URL("../support/lock-holder.ts", import.meta.url));

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** Starts a process that takes the lock and holds it; resolves with its load once it says so. */
async function holder(
  sink: Record<string, unknown>,
): Promise<{ child: ChildProcess; loadId: string; startedAt: string }> {
  const child = spawn(process.execPath, ["--conditions=@parley/source", holderScript, JSON.stringify(sink)], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  cleanups.push(async () => {
    if (child.exitCode === null) child.kill("SIGKILL");
  });
  let output = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
    output += chunk.toString();
    const match = /locked (\S+) (\S+)/.exec(output);
    if (match !== null) return { child, loadId: match[1] as string, startedAt: match[2] as string };
  }
  throw new Error(`the lock holder ended without taking the lock: ${output}`);
}

async function duckdb(): Promise<{ settings: Record<string, unknown>; open: () => Sink }> {
  const space = await workspace();
  cleanups.push(space.cleanup);
  return {
    settings: { type: "duckdb", path: space.databasePath },
    open: () => createDuckdbSink({ path: space.databasePath }),
  };
}

async function postgres(): Promise<{ settings: Record<string, unknown>; open: () => Sink }> {
  const fresh = freshPostgresSchema("lock_process");
  cleanups.push(fresh.drop);
  return { settings: { type: "postgres", url: postgresUrl, schema: fresh.schema }, open: () => fresh.sink };
}

describe.each([
  ["DuckDB file", duckdb],
  ["PostgreSQL", postgres],
] as const)("the sink lock across processes (%s)", (_label, destination) => {
  test("is refused naming the holder's load and start while it lives, and free once it was killed; its load becomes abandoned", async () => {
    const { settings, open } = await destination();
    const held = await holder(settings);
    const sink = open();
    cleanups.push(() => sink.close());
    const load = { source: "locked", loadId: "second-run", startedAt: new Date().toISOString() };
    const refused = await sink.lock(load).catch((error: unknown) => error);
    expect(LoadInProgressError.isInstance(refused), String(refused)).toBe(true);
    expect((refused as Error).message).toContain(`load ${held.loadId} (started ${held.startedAt}`);
    held.child.kill("SIGKILL");
    await once(held.child, "exit");
    // The server ends the dead process's session (and its lock) once it sees the connection closed.
    let lock: SinkLock | undefined;
    for (let attempt = 0; lock === undefined; attempt++) {
      lock = await sink.lock(load).catch((error: unknown) => {
        if (!LoadInProgressError.isInstance(error) || attempt > 100) throw error;
        return undefined;
      });
      if (lock === undefined) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(lock.abandoned.map((abandoned) => [abandoned.loadId, abandoned.status])).toEqual([
      [held.loadId, "abandoned"],
    ]);
    await lock.release();
  });
});
