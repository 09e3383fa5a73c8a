import { setTimeout as sleep } from "node:timers/promises";
import type { ProgressEvent } from "../source/source.ts";

/** Told about a wait before it starts: request pacing, a rate limit, a retry's backoff, a poll interval. */
export type WaitListener = (milliseconds: number, reason: string) => void;

export interface PauseOptions {
  readonly signal?: AbortSignal | undefined;
  readonly onWait?: WaitListener | undefined;
}

/** Sleeps, telling `onWait` first: every wait of core's HTTP client and retry helper goes through here, so each is shown. */
export async function pause(milliseconds: number, reason: string, options: PauseOptions = {}): Promise<void> {
  if (milliseconds <= 0) return;
  options.onWait?.(milliseconds, reason);
  await sleep(milliseconds, undefined, options.signal === undefined ? {} : { signal: options.signal });
}

/**
 * A source's waits on their way to the run that reads it. A source creates its HTTP clients once, with
 * `relay.listener` as their `onWait`; each `read()` calls `relay.toProgress(...)`, so the waits (Retry-After,
 * backoff, pacing) appear on that run's progress line as `waiting` events of the stream.
 */
export class WaitRelay {
  #target: WaitListener | undefined;

  readonly listener: WaitListener = (milliseconds, reason) => this.#target?.(milliseconds, reason);

  toProgress(progress: (event: ProgressEvent) => void, stream: string): void {
    this.#target = (milliseconds, reason) => progress({ kind: "waiting", stream, milliseconds, reason });
  }
}
