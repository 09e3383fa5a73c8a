import { type PauseOptions, pause } from "./waits.ts";

export interface RetryOptions {
  /** Total attempts including the first; 1 disables retries. */
  readonly maxAttempts: number;
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
  /** A `Retry-After` longer than this fails the request instead of sleeping for hours. */
  readonly maxRetryAfterMs: number;
}

export const defaultRetryOptions: RetryOptions = {
  maxAttempts: 5,
  initialDelayMs: 500,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 15 * 60_000,
};

/** Statuses worth another attempt: rate limited, or the server failed transiently. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status === 500 || status === 502 || status === 503 || status === 504;
}

/** Parses `Retry-After` (delta seconds or an HTTP date) into milliseconds; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined || value.trim() === "") return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * Delay before attempt `attempt + 1` (attempt counts from 1): exponential backoff with jitter (half fixed, half random),
 * unless the server said how long to wait, which wins (plus a little jitter so clients spread out).
 */
export function backoffDelay(
  options: RetryOptions,
  attempt: number,
  retryAfterMs: number | undefined,
  random: () => number = Math.random,
): number {
  if (retryAfterMs !== undefined) return retryAfterMs + Math.floor(random() * 250);
  const ceiling = Math.min(options.maxDelayMs, options.initialDelayMs * 2 ** (attempt - 1));
  return Math.floor(ceiling / 2 + (random() * ceiling) / 2);
}

/** Why a failure deserves another attempt: shown with the wait. `retryAfterMs` is the server's own wish. */
export interface RetryDecision {
  readonly reason: string;
  readonly retryAfterMs?: number | undefined;
}

export interface RetryingOptions extends PauseOptions {
  readonly policy?: Partial<RetryOptions> | undefined;
  /** Undefined when the failure is final; otherwise why it is worth another attempt. */
  readonly retryOn: (error: unknown, attempt: number) => RetryDecision | undefined;
  /** The error to throw when attempts run out or the server asks for too long a wait; default: the last one. */
  readonly giveUp?: (error: unknown, attempt: number, decision: RetryDecision | undefined) => unknown;
  /** Told of the delay before it starts (e.g. to keep a request budget closed while the server asked to wait). */
  readonly beforeWait?: (milliseconds: number, decision: RetryDecision) => void;
  readonly random?: () => number;
}

/**
 * The one retry loop of Parley: runs `operation` until it succeeds, the failure is final, or the attempts of the
 * policy are used up, sleeping with backoff and jitter (or the server's Retry-After) in between. An aborted signal
 * ends it at once.
 */
export async function retrying<T>(operation: (attempt: number) => Promise<T>, options: RetryingOptions): Promise<T> {
  const policy: RetryOptions = { ...defaultRetryOptions, ...options.policy };
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation(attempt);
    } catch (error) {
      if (options.signal?.aborted === true) throw error;
      const decision = options.retryOn(error, attempt);
      const retryAfterTooLong = decision?.retryAfterMs !== undefined && decision.retryAfterMs > policy.maxRetryAfterMs;
      if (decision === undefined || attempt >= policy.maxAttempts || retryAfterTooLong)
        throw options.giveUp === undefined ? error : options.giveUp(error, attempt, decision);
      const delay = backoffDelay(policy, attempt, decision.retryAfterMs, options.random);
      options.beforeWait?.(delay, decision);
      await pause(delay, decision.reason, options);
    }
  }
}
