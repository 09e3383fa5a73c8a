/** A limit of `requests` per `windowMs`, e.g. Voicegain's 75 per minute and 2000 per hour. */
export interface BudgetWindow {
  readonly requests: number;
  readonly windowMs: number;
}

/**
 * Paces requests so that no sliding window ever holds more than its limit. Sliding windows are
 * stricter than a vendor's fixed windows, so staying inside them never trips a fixed-window limiter.
 * It also obeys servers that announce an empty budget (`RateLimit-Remaining: 0`).
 */
export class RequestBudget {
  readonly #windows: readonly BudgetWindow[];
  readonly #sent: number[] = [];
  #blockedUntil = 0;

  constructor(windows: readonly BudgetWindow[]) {
    for (const window of windows) {
      if (!(window.requests >= 1 && window.windowMs > 0)) {
        throw new RangeError(`request budget needs requests >= 1 and windowMs > 0, got ${JSON.stringify(window)}`);
      }
    }
    this.#windows = windows;
  }

  /** Milliseconds to wait before the next request may be sent (0 when it may go now). */
  delayFor(now: number): number {
    let wait = Math.max(0, this.#blockedUntil - now);
    for (const window of this.#windows) {
      const inWindow = this.#countSince(now - window.windowMs);
      if (inWindow >= window.requests) {
        // The oldest request that must leave the window before one more fits.
        const oldest = this.#sent[this.#sent.length - window.requests] as number;
        wait = Math.max(wait, oldest + window.windowMs - now);
      }
    }
    return wait;
  }

  recordSent(now: number): void {
    this.#sent.push(now);
    const longest = Math.max(0, ...this.#windows.map((window) => window.windowMs));
    while (this.#sent.length > 0 && (this.#sent[0] as number) <= now - longest) this.#sent.shift();
  }

  /** The server said no requests are left until `resetMs` from now. */
  blockFor(now: number, resetMs: number): void {
    this.#blockedUntil = Math.max(this.#blockedUntil, now + resetMs);
  }

  #countSince(start: number): number {
    let count = 0;
    for (let index = this.#sent.length - 1; index >= 0 && (this.#sent[index] as number) > start; index--) count++;
    return count;
  }
}
