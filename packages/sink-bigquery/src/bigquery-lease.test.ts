import { LockLostError, type Sink, type StreamDefinition } from "@parley/core";
import { batch, target } from "@parley/core/testing";
import { createWarehouseSink } from "@parley/core/warehouse";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type BigqueryTestHarness, startBigqueryHarness } from "./__fixtures__/bigquery-test-harness.ts";
import { type BigquerySettings, bigqueryConfigSchema } from "./bigquery-config.ts";
import { createBigqueryDriver } from "./bigquery-driver.ts";
import { defaultLeaseTiming, type LeaseTiming } from "./bigquery-lease.ts";

let harness: BigqueryTestHarness;
beforeAll(async () => {
  harness = await startBigqueryHarness();
});
afterAll(() => harness.close());

const calls = target({
  name: "calls",
  writeDisposition: "append",
  columns: [{ name: "id", type: "string" }],
} satisfies StreamDefinition);
const load = { source: "calls", loadId: "run-a", startedAt: "2026-01-02T03:04:05.000Z" };
const write = batch({ target: calls, source: load.source, loadId: load.loadId, rows: [{ id: "1" }] });

/** One sink per "process", all on one dataset. */
function processes(timing: LeaseTiming = defaultLeaseTiming) {
  const { authClient, ...settings } = harness.settings() as BigquerySettings;
  const driver = () => createBigqueryDriver(bigqueryConfigSchema.parse(settings), authClient, timing);
  const open = (): Sink => createWarehouseSink({ type: "bigquery", driver: driver() });
  return { open, driver, locks: `\`${settings.projectId}.${settings.dataset}._parley_locks\`` };
}

/** Stops this process's event loop, as a paused or starved process is stopped: no renewal runs meanwhile. */
function freeze(milliseconds: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, milliseconds);
}

describe("bigquery lease", () => {
  test("two takers at once: exactly one wins, and the other is told who holds it", async () => {
    const { open } = processes();
    const [first, second] = [open(), open()];
    const taken = await Promise.allSettled([first.lock(load), second.lock({ ...load, loadId: "run-b" })]);
    const won = taken.filter((outcome) => outcome.status === "fulfilled");
    const refused = taken.filter((outcome) => outcome.status === "rejected");
    expect([won.length, refused.length]).toEqual([1, 1]);
    expect(String((refused[0] as PromiseRejectedResult).reason)).toMatch(/load run-[ab] \(started/);
    await (won[0] as PromiseFulfilledResult<Awaited<ReturnType<Sink["lock"]>>>).value.release();
    await Promise.all([first.close(), second.close()]);
  });

  test("a second row of the lease's name (two inserts at once, which BigQuery runs side by side) makes no second holder", async () => {
    const { open, locks } = processes();
    const [first, second] = [open(), open()];
    const lock = await first.lock(load);
    await first.execute(
      `INSERT INTO ${locks} (name, holder, token, expires_at) SELECT name, '', '', TIMESTAMP '1970-01-01 00:00:00+00' FROM ${locks}`,
    );
    const refused = await second.lock({ ...load, loadId: "run-b" }).catch((error: unknown) => error);
    expect(String(refused)).toMatch(/load run-a \(started/);
    await lock.release();
    const next = await second.lock({ ...load, loadId: "run-b" });
    await next.release();
    await Promise.all([first.close(), second.close()]);
  });

  test("a lease that ran out (its holder froze) is taken over, and the old holder's next write is refused", async () => {
    const { open } = processes({ leaseMs: 1500, marginMs: 300 });
    const [first, second] = [open(), open()];
    await first.prepare([calls]);
    const lock = await first.lock(load);
    freeze(2000);
    const next = await second.lock({ ...load, loadId: "run-b" });
    const refused = await first.writeBatch(write).catch((error: unknown) => error);
    expect(LockLostError.isInstance(refused), String(refused)).toBe(true);
    expect((refused as Error).message).toMatch(
      /run-a lost its lock on calls .*(lease ran out|taken over by another run)/,
    );
    expect(await second.query(`SELECT COUNT(*) AS n FROM ${calls.table}`)).toEqual([{ n: 0 }]);
    await next.release();
    await lock.release();
    await Promise.all([first.close(), second.close()]);
  });

  test("a lease taken over behind its holder's back is noticed at the next renewal", async () => {
    // Renewed every 2 s; the lease itself would only run out after 6 s, so a refusal before that is the renewal's.
    const { open, locks } = processes({ leaseMs: 6000, marginMs: 100 });
    const sink = open();
    await sink.prepare([calls]);
    const lock = await sink.lock(load);
    await sink.execute(`UPDATE ${locks} SET token = 'another', holder = 'another run' WHERE name IS NOT NULL`);
    let refused: unknown;
    // Writes before the renewal fail inside BigQuery (the transaction's own check); the renewal then names the cause.
    for (const started = Date.now(); !LockLostError.isInstance(refused) && Date.now() - started < 5000; ) {
      refused = await sink.writeBatch(write).then(
        () => undefined,
        (error: unknown) => error,
      );
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(LockLostError.isInstance(refused), String(refused)).toBe(true);
    expect((refused as Error).message).toMatch(/taken over by another run/);
    await lock.release();
    await sink.close();
  });

  test("a lease taken over while its holder still trusts it fails the holder's transaction inside BigQuery", async () => {
    const { open, locks } = processes();
    const sink = open();
    await sink.prepare([calls]);
    const lock = await sink.lock(load);
    await sink.writeBatch(write);
    await sink.execute(`UPDATE ${locks} SET token = 'another', holder = 'another run' WHERE name IS NOT NULL`);
    const refused = await sink.writeBatch(batch({ ...write, rows: [{ id: "2" }] })).catch((error: unknown) => error);
    expect(String(refused)).toMatch(
      /^Error: BigQuery refused the transaction: this run's sink lock was taken over or ran out before the transaction committed, so nothing of it was stored/,
    );
    expect(await sink.query(`SELECT id FROM ${calls.table}`)).toEqual([{ id: "1" }]);
    await lock.release();
    await sink.close();
  });

  test("renewals that fail are reported once the lease runs out, instead of being swallowed", async () => {
    const { open, driver } = processes({ leaseMs: 1500, marginMs: 100 });
    const sink = open();
    await sink.prepare([calls]);
    const lock = await sink.lock(load);
    const other = driver();
    await other.dropTable("_parley_locks");
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const refused = await sink.writeBatch(write).catch((error: unknown) => error);
    expect(LockLostError.isInstance(refused), String(refused)).toBe(true);
    expect((refused as Error).message).toMatch(/lease ran out at .* \(renewing it failed: .*_parley_locks/);
    await lock.release().catch(() => undefined);
    await Promise.all([sink.close(), other.close()]);
  });
});
