import type { Readable } from "node:stream";
import { MainThreadTurns } from "../scheduling/main-thread-turns.ts";

export interface BodyChunksOptions {
  /** Bytes read off the connection before the reader waits for its consumer (the body is paused there). */
  readonly aheadBytes: number;
  /** At most about this many bytes handed out at once, so one batch is never a long synchronous stretch to process. */
  readonly batchBytes: number;
}

/**
 * How far a download reads ahead of its consumer, and how much it hands over at once: the host keeps sending while a
 * batch is being written, and a batch of chunks is split in about a millisecond.
 */
const downloadReadAhead: BodyChunksOptions = { aheadBytes: 8 * 1024 * 1024, batchBytes: 1024 * 1024 };

/**
 * A response body as batches of the chunks received so far, read ahead of the consumer up to `aheadBytes`.
 * Iterating a Readable instead joins every few chunks into a new buffer (one copy, one allocation each) and stops the
 * connection as soon as its consumer is busy; here the chunks arrive as `data` events and are handed over as they
 * came. Between batches the event loop gets a turn every few milliseconds even when data is waiting: other work
 * resolved on the main thread (a database call's completion) is not held up behind the download.
 */
export async function* bodyChunks(
  body: Readable,
  options: BodyChunksOptions = downloadReadAhead,
): AsyncGenerator<Buffer[]> {
  const queue: Buffer[] = [];
  let queued = 0;
  let ended = false;
  let failure: { readonly error: unknown } | undefined;
  let wake: (() => void) | undefined;
  const notify = (): void => {
    const resolve = wake;
    wake = undefined;
    resolve?.();
  };
  const onData = (chunk: Buffer): void => {
    queue.push(chunk);
    queued += chunk.length;
    if (queued >= options.aheadBytes) body.pause();
    notify();
  };
  const onEnd = (): void => {
    ended = true;
    notify();
  };
  const onError = (error: unknown): void => {
    failure ??= { error };
    notify();
  };
  const onClose = (): void => {
    if (!ended) onError(new Error("the response body closed before its end"));
  };
  body.on("data", onData);
  body.on("end", onEnd);
  body.on("error", onError);
  body.on("close", onClose);
  let turns = new MainThreadTurns();
  try {
    for (;;) {
      if (queue.length > 0) {
        if (turns.due()) await turns.give();
        const batch = takeBatch(queue, options.batchBytes);
        for (const chunk of batch) queued -= chunk.length;
        if (queued < options.aheadBytes && body.isPaused()) body.resume();
        yield batch;
        continue;
      }
      if (failure !== undefined) throw failure.error;
      if (ended) return;
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
      // Data arrives in an I/O callback: the event loop has just turned.
      turns = new MainThreadTurns();
    }
  } finally {
    body.off("data", onData);
    body.off("end", onEnd);
    body.off("error", onError);
    body.off("close", onClose);
    // A consumer that stops early (an error downstream) must not leave the connection half read.
    if (!ended) body.destroy();
  }
}

/** The first chunks of `queue` up to about `bytes` (at least one), removed from it. */
function takeBatch(queue: Buffer[], bytes: number): Buffer[] {
  let count = 0;
  let size = 0;
  while (count < queue.length && (count === 0 || size + (queue[count] as Buffer).length <= bytes)) {
    size += (queue[count] as Buffer).length;
    count++;
  }
  return queue.splice(0, count);
}
