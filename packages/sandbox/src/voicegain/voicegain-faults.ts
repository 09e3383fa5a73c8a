// Test controls: a log of what clients sent, and faults injected into the next matching requests.

export interface VoicegainRequestRecord {
  method: string;
  /** Path without the query string. */
  path: string;
  /** Every value of every query parameter, in the order sent. */
  query: Record<string, string[]>;
  headers: Record<string, string | string[] | undefined>;
  /** The status the emulator answered (set once the response started). */
  status?: number;
}

export type VoicegainRequestMatcher = (request: VoicegainRequestRecord) => boolean;

interface FaultBase {
  /** How many matching requests get the fault (default 1). */
  times?: number;
  /** Which requests qualify (default: every request). */
  match?: VoicegainRequestMatcher;
}

export type VoicegainFault =
  | (FaultBase & { kind: "status"; status?: number; reason?: string; detail?: string })
  | (FaultBase & { kind: "rate-limit"; retryAfterSeconds?: number })
  | (FaultBase & { kind: "cut"; afterBytes?: number });

interface ArmedFault {
  fault: VoicegainFault;
  left: number;
}

export class FaultQueue {
  private readonly armed: ArmedFault[] = [];

  add(fault: VoicegainFault): void {
    const times = fault.times ?? 1;
    if (!Number.isInteger(times) || times < 1) throw new Error("fault times must be a positive integer");
    this.armed.push({ fault, left: times });
  }

  clear(): void {
    this.armed.length = 0;
  }

  /** The first armed fault matching `request`, used up by one. */
  take(request: VoicegainRequestRecord): VoicegainFault | undefined {
    const index = this.armed.findIndex((entry) => entry.fault.match?.(request) ?? true);
    const entry = this.armed[index];
    if (!entry) return undefined;
    entry.left -= 1;
    if (entry.left === 0) this.armed.splice(index, 1);
    return entry.fault;
  }
}

export function recordRequest(
  method: string,
  url: URL,
  headers: VoicegainRequestRecord["headers"],
): VoicegainRequestRecord {
  const query: Record<string, string[]> = {};
  for (const [name, value] of url.searchParams) {
    const values = query[name] ?? [];
    values.push(value);
    query[name] = values;
  }
  return { method, path: url.pathname, query, headers: { ...headers } };
}
