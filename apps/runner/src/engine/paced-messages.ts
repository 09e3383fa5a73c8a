/** What waiting for a source's next message gives: a message, or a tick of the flush timer. */
export type Paced<T> = { readonly kind: "message"; readonly value: T } | { readonly kind: "tick" };

/**
 * Reads a source's messages, and every `tickMs` while the source is quiet (a rate-limit wait, a slow export)
 * yields a tick, so the engine can write a checkpoint that has waited longer than the flush interval. An abort
 * ends the wait at once with the abort reason, even when the source does not watch the signal itself.
 * Ticks come only between messages: the engine never writes while it is handling one.
 */
export async function* pacedMessages<T>(
  messages: AsyncIterable<T>,
  tickMs: number,
  signal: AbortSignal,
): AsyncGenerator<Paced<T>> {
  const iterator = messages[Symbol.asyncIterator]();
  // One timer and one abort listener for the whole read, not one per message (they cost more than the message).
  // They settle whichever wait is current; racing long-lived promises instead would keep every message alive.
  let settle: (outcome: IteratorResult<T> | "tick") => void = () => undefined;
  let fail: (reason: unknown) => void = () => undefined;
  const onAbort = () => fail(signal.reason);
  signal.addEventListener("abort", onAbort, { once: true });
  const timer = setTimeout(() => settle("tick"), tickMs);
  /** The source's next message, or a tick once it has been quiet for `tickMs` since the wait began. */
  const wait = (next: Promise<IteratorResult<T>>) =>
    new Promise<IteratorResult<T> | "tick">((resolve, reject) => {
      settle = resolve;
      fail = reject;
      if (signal.aborted) reject(signal.reason);
      timer.refresh();
      next.then(resolve, reject);
    });
  let reading = false;
  try {
    for (;;) {
      signal.throwIfAborted();
      reading = true;
      const next = iterator.next();
      // May settle after an abort, when nobody waits for it any more: not an unhandled rejection.
      next.then(
        () => {
          reading = false;
        },
        () => undefined,
      );
      let result: IteratorResult<T> | "tick";
      do {
        result = await wait(next);
        if (result === "tick") yield { kind: "tick" };
      } while (result === "tick");
      if (result.done === true) return;
      yield { kind: "message", value: result.value };
    }
  } finally {
    clearTimeout(timer);
    signal.removeEventListener("abort", onAbort);
    // A reader that stops early ends the source's read too, so it lets go of what it holds (a download's body,
    // which an HTTP agent's close would otherwise wait for forever). While a message is still being read, the
    // source ends after it; waiting for that could take as long as the source does not watch the abort.
    // The run's own outcome stands: an error in the source's cleanup is not what the run failed of.
    const ended = iterator.return?.().catch(() => undefined);
    if (!reading) await ended;
  }
}
