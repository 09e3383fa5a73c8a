import { setTimeout as sleep } from "node:timers/promises";
import { LoadInProgressError, type Logger, type Sink, type SinkLock } from "@parley/core";

/** How often `parley sync --wait` tries the lock again. */
const retryMs = 2_000;

/**
 * Takes the sink's lock for one source's load. Another run holding it is a `LoadInProgressError` naming that
 * run's load and start, unless `wait`: then it tries again until the lock is free or the run is stopped.
 * Loads a dead process left `running` are marked `abandoned` by the sink when the lock is taken; they are logged.
 */
export async function takeSinkLock(
  sink: Sink,
  load: { readonly source: string; readonly loadId: string; readonly startedAt: string },
  options: { readonly wait: boolean; readonly logger: Logger; readonly signal: AbortSignal },
): Promise<SinkLock> {
  let announced = false;
  for (;;) {
    try {
      const lock = await sink.lock(load);
      for (const abandoned of lock.abandoned)
        options.logger.warn(
          `load ${abandoned.loadId} (started ${abandoned.startedAt}) was left running by a process that ended; recorded as abandoned`,
          { source: load.source, loadId: abandoned.loadId },
        );
      return lock;
    } catch (error) {
      if (!LoadInProgressError.isInstance(error) || !options.wait) throw error;
      if (!announced) options.logger.info(`waiting: ${error.message}`, { source: load.source });
      announced = true;
      await sleep(retryMs, undefined, { signal: options.signal });
    }
  }
}
