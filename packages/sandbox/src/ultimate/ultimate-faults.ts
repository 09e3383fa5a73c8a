/** A failure the emulator serves instead of the normal answer, for the next matching requests. */
export type UltimateFault =
  /** 429 with `Retry-After` (vendor-apis §3.3: clients retry 429 with Retry-After). */
  | { readonly kind: "rate-limit"; readonly retryAfterSeconds?: number }
  | { readonly kind: "server-error" }
  /** Downloads only: the socket is destroyed after this many body bytes. */
  | { readonly kind: "cut-connection"; readonly afterBytes: number };

/** Which requests a fault applies to: the get-signed-urls calls, the file downloads, or both. */
export type UltimateFaultTarget = "signed-urls" | "downloads" | "any";

export interface UltimateFaultOptions {
  /** How many matching requests fail. Default 1. */
  readonly times?: number;
  /** Default "any" (a cut-connection fault only ever matches downloads). */
  readonly on?: UltimateFaultTarget;
}

export interface UltimateLoggedRequest {
  readonly method: string;
  /** Path with the query string. */
  readonly path: string;
  /** Header names lower-cased, as Node reports them. */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: string;
  /** Emulator clock at arrival. */
  readonly at: Date;
}

interface QueuedFault {
  readonly fault: UltimateFault;
  readonly on: UltimateFaultTarget;
  remaining: number;
}

export class FaultQueue {
  private readonly queued: QueuedFault[] = [];

  add(fault: UltimateFault, options: UltimateFaultOptions = {}): void {
    const times = options.times ?? 1;
    if (!Number.isInteger(times) || times < 1) throw new Error(`fault times must be a positive integer, got ${times}`);
    if (fault.kind === "cut-connection" && (!Number.isInteger(fault.afterBytes) || fault.afterBytes < 0)) {
      throw new Error(`cut-connection afterBytes must be a non-negative integer, got ${fault.afterBytes}`);
    }
    this.queued.push({ fault, on: options.on ?? "any", remaining: times });
  }

  /** The first queued fault that applies to this request, used up by one. */
  take(target: "signed-urls" | "downloads"): UltimateFault | undefined {
    const index = this.queued.findIndex(
      (entry) =>
        (entry.on === "any" || entry.on === target) &&
        (entry.fault.kind !== "cut-connection" || target === "downloads"),
    );
    const entry = this.queued[index];
    if (!entry) return undefined;
    entry.remaining--;
    if (entry.remaining === 0) this.queued.splice(index, 1);
    return entry.fault;
  }

  clear(): void {
    this.queued.length = 0;
  }

  get pending(): number {
    return this.queued.reduce((sum, entry) => sum + entry.remaining, 0);
  }
}
