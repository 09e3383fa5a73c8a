import { hostname } from "node:os";
import { LoadInProgressError } from "../errors/load-in-progress-error.ts";
import { LockLostError } from "../errors/lock-lost-error.ts";
import type { LoadRecord, SinkLock } from "../sink/sink.ts";
import type { DriverTransaction, WarehouseDriver } from "./warehouse-driver.ts";

/** What taking the lock needs from the ledger: the source's loads still `running`, and a way to rewrite one. */
export interface LockLedger {
  running(source: string): Promise<readonly LoadRecord[]>;
  write(load: LoadRecord): Promise<void>;
  /** Makes the ledger usable (Parley's tables exist); called once the lock is held. */
  ready(): Promise<void>;
}

/** A sink lock as the protocol holds it: writes of data and state check it before they commit. */
export interface HeldSinkLock extends SinkLock {
  /** Throws a `LockLostError` if the lock was lost since it was taken (see `HeldWarehouseLock.assertHeld`). */
  assertHeld(transaction: DriverTransaction): Promise<void>;
}

/**
 * Takes the sink lock of one source (see `Sink.lock`): refused with the running load named, or held; once held,
 * loads of the source still `running` can only belong to dead processes and are marked `abandoned`.
 */
export async function takeSinkLock(
  driver: WarehouseDriver,
  sinkType: string,
  load: { readonly source: string; readonly loadId: string; readonly startedAt: string },
  ledger: LockLedger,
): Promise<HeldSinkLock> {
  const holder = `load ${load.loadId} (started ${load.startedAt}, process ${process.pid} on ${hostname()})`;
  const taken = await driver.tryLock(`${driver.namespace}/${load.source}`, holder);
  if ("heldBy" in taken) {
    // The ledger may be unreadable while the holder has the warehouse (a DuckDB file): its own note names it then.
    const newest = (await ledger.running(load.source).catch(() => []))[0];
    const by =
      taken.heldBy ?? (newest === undefined ? "another run" : `load ${newest.loadId} (started ${newest.startedAt})`);
    throw new LoadInProgressError(
      `Another run is loading ${load.source} into ${sinkType} ${driver.namespace}: ${by}. Wait for it to end, or stop it, then run again.`,
      // A DuckDB holder's ledger is unreadable: its note (`holder` below) names the load.
      {
        source: load.source,
        loadId: newest?.loadId ?? /^load (\S+) /.exec(taken.heldBy ?? "")?.[1],
        startedAt: newest?.startedAt,
      },
    );
  }
  await ledger.ready();
  const abandoned: LoadRecord[] = [];
  for (const running of await ledger.running(load.source)) {
    if (running.loadId === load.loadId) continue;
    const marked: LoadRecord = {
      ...running,
      status: "abandoned",
      finishedAt: new Date().toISOString(),
      error: "the process running this load ended without finishing it (killed or crashed)",
    };
    await ledger.write(marked);
    abandoned.push(marked);
  }
  const assertHeld = async (transaction: DriverTransaction) => {
    try {
      await taken.assertHeld?.(transaction);
    } catch (cause) {
      const reason = cause instanceof Error ? cause.message : String(cause);
      throw new LockLostError(
        `Load ${load.loadId} lost its lock on ${load.source} in ${sinkType} ${driver.namespace} (${reason}); another run may be loading ${load.source} now, so this write was not committed. Run again: the load resumes from its stored state once no other run holds the lock.`,
        { source: load.source, loadId: load.loadId, cause },
      );
    }
  };
  return { release: () => taken.release(), abandoned, assertHeld };
}
