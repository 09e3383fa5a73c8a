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
  for (;;) {
    signal.throwIfAborted();
    const next = iterator.next();
    // May settle after an abort, when nobody waits for it any more: not an unhandled rejection.
    next.catch(() => undefined);
    let result: IteratorResult<T> | "tick";
    do {
      result = await race(next, tickMs, signal);
      if (result === "tick") yield { kind: "tick" };
    } while (result === "tick");
    if (result.done === true) return;
    yield { kind: "message", value: result.value };
  }
}

function race<T>(next: Promise<IteratorResult<T>>, tickMs: number, signal: AbortSignal) {
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const tick = new Promise<"tick">((resolve, reject) => {
    timer = setTimeout(() => resolve("tick"), tickMs);
    onAbort = () => reject(signal.reason);
    if (signal.aborted) onAbort();
    else signal.addEventListener("abort", onAbort, { once: true });
  });
  return Promise.race([next, tick]).finally(() => {
    clearTimeout(timer);
    if (onAbort !== undefined) signal.removeEventListener("abort", onAbort);
  });
}
