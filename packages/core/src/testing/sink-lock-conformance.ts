import { afterEach, describe, expect, test } from "vitest";
import { LoadInProgressError } from "../errors/load-in-progress-error.ts";
import type { Sink } from "../sink/sink.ts";
import type { SinkHarness } from "./sink-conformance.ts";

/**
 * The sink lock every sink must provide (`Sink.lock`), written once: one run per sink and source, a refusal
 * that names the running load and its start time, and loads left `running` by dead runs marked `abandoned`.
 * Two sink objects on one destination stand for two processes.
 */
export function describeSinkLockConformance(name: string, harness: SinkHarness): void {
  describe(`sink lock: ${name}`, () => {
    const open: Sink[] = [];
    const cleanups: (() => Promise<void>)[] = [];
    afterEach(async () => {
      for (const sink of open.splice(0)) await sink.close();
      for (const cleanup of cleanups.splice(0)) await cleanup();
    });

    test("one run per sink and source; the refusal names the running load and its start; loads of dead runs become abandoned", async () => {
      const destination = await harness.fresh();
      cleanups.push(destination.cleanup);
      const first = destination.open();
      open.push(first);
      await first.prepare([]);
      await first.startLoad({ loadId: "dead-run", source: "locked", startedAt: "2026-01-01T00:00:00.000Z" });
      const running = { source: "locked", loadId: "run-a", startedAt: "2026-01-02T03:04:05.000Z" };
      const lock = await first.lock(running);
      expect(lock.abandoned.map((load) => [load.loadId, load.status])).toEqual([["dead-run", "abandoned"]]);
      await first.startLoad(running);
      const loads = await first.listLoads("locked");
      expect(loads.map((load) => [load.loadId, load.status])).toEqual([
        ["run-a", "running"],
        ["dead-run", "abandoned"],
      ]);
      expect(loads[1]?.error).toMatch(/ended without finishing/);

      const second = destination.open();
      open.push(second);
      const refused = await second
        .lock({ source: "locked", loadId: "run-b", startedAt: "2026-01-02T03:05:00.000Z" })
        .catch((error: unknown) => error);
      expect(LoadInProgressError.isInstance(refused)).toBe(true);
      expect((refused as Error).message).toMatch(/run-a.*2026-01-02T03:04:05/);

      const other = await first.lock({ source: "another", loadId: "run-c", startedAt: "2026-01-02T03:06:00.000Z" });
      await other.release();
      await lock.release();
      const next = await first.lock({ source: "locked", loadId: "run-b", startedAt: "2026-01-02T03:07:00.000Z" });
      // run-a is still `running` in the ledger and nobody holds the lock: it is taken for a dead run's.
      expect(next.abandoned.map((load) => load.loadId)).toEqual(["run-a"]);
      await next.release();
    });
  });
}
