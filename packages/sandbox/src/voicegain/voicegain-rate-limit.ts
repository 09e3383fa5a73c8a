// Fixed-window limits per token, with the vendor's headers (vendor-apis §2.7: 75/minute and 2000/hour by default).

export interface VoicegainRateLimit {
  limit: number;
  windowSeconds: number;
}

export const voicegainDefaultRateLimits: readonly VoicegainRateLimit[] = [
  { limit: 75, windowSeconds: 60 },
  { limit: 2000, windowSeconds: 3600 },
];

export interface RateDecision {
  allowed: boolean;
  headers: Record<string, string>;
}

interface WindowCount {
  start: number;
  count: number;
}

export class VoicegainRateLimiter {
  private readonly limits: readonly VoicegainRateLimit[];
  private readonly now: () => number;
  private readonly counts = new Map<string, WindowCount[]>();

  constructor(limits: readonly VoicegainRateLimit[], now: () => number) {
    if (limits.length === 0) throw new Error("at least one rate limit window is needed");
    this.limits = limits;
    this.now = now;
  }

  /** Counts one request for `key` unless a window is exhausted; rejected requests are not counted. */
  take(key: string): RateDecision {
    const nowMs = this.now();
    const windows = this.windowsFor(key, nowMs);
    const allowed = windows.every((window, index) => window.count < (this.limits[index] as VoicegainRateLimit).limit);
    if (allowed) for (const window of windows) window.count += 1;
    // The binding window is the one with the fewest requests left (then the one resetting last).
    let binding = 0;
    let bindingRemaining = Number.POSITIVE_INFINITY;
    let bindingReset = 0;
    windows.forEach((window, index) => {
      const limit = this.limits[index] as VoicegainRateLimit;
      const remaining = Math.max(0, limit.limit - window.count);
      const reset = Math.max(1, Math.ceil((window.start + limit.windowSeconds * 1000 - nowMs) / 1000));
      if (remaining < bindingRemaining || (remaining === bindingRemaining && reset > bindingReset)) {
        binding = index;
        bindingRemaining = remaining;
        bindingReset = reset;
      }
    });
    const policies = this.limits.map((limit) => `${limit.limit};window=${limit.windowSeconds}`);
    const headers: Record<string, string> = {
      "RateLimit-Limit": [String((this.limits[binding] as VoicegainRateLimit).limit), ...policies].join(", "),
      "RateLimit-Remaining": String(bindingRemaining),
      "RateLimit-Reset": String(bindingReset),
    };
    if (!allowed) {
      const exhausted = windows.flatMap((window, index) => {
        const limit = this.limits[index] as VoicegainRateLimit;
        return window.count >= limit.limit ? [window.start + limit.windowSeconds * 1000] : [];
      });
      headers["Retry-After"] = String(Math.max(1, Math.ceil((Math.max(...exhausted) - nowMs) / 1000)));
    }
    return { allowed, headers };
  }

  reset(): void {
    this.counts.clear();
  }

  /** Windows are aligned to the epoch (a "fixed 1-minute window" reads as clock minutes; exact alignment is a guess). */
  private windowsFor(key: string, nowMs: number): WindowCount[] {
    const windows = this.counts.get(key) ?? this.limits.map(() => ({ start: 0, count: 0 }));
    this.counts.set(key, windows);
    this.limits.forEach((limit, index) => {
      const lengthMs = limit.windowSeconds * 1000;
      const start = Math.floor(nowMs / lengthMs) * lengthMs;
      const window = windows[index] as WindowCount;
      if (window.start !== start) {
        window.start = start;
        window.count = 0;
      }
    });
    return windows;
  }
}
