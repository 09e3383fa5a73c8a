import type { StreamDefinition, TableTarget } from "../schema/stream-definition.ts";
import type { WriteBatch } from "../sink/sink.ts";
import type { StateUpdate } from "../state/stored-state.ts";

/** A stream with one column of every logical type, plus names that are SQL keywords or mixed case. */
export const everyTypeStream = {
  name: "every_type",
  writeDisposition: "merge",
  primaryKey: ["id"],
  eventTimeColumn: "happened_at",
  columns: [
    { name: "id", type: "string", nullable: false },
    { name: "count", type: "integer" },
    { name: "ratio", type: "float" },
    { name: "flag", type: "boolean" },
    { name: "happened_at", type: "timestamp" },
    { name: "day", type: "date" },
    { name: "payload", type: "json" },
    { name: "select", type: "string" },
    { name: "conversationName", type: "string" },
  ],
} as const satisfies StreamDefinition;

export function target(stream: StreamDefinition, table = `conformance_${stream.name}`): TableTarget {
  return { table, stream };
}

let loadCounter = 0;

/** A batch with sensible defaults; tests override what they exercise. */
export function batch(overrides: Partial<WriteBatch> & Pick<WriteBatch, "target" | "rows">): WriteBatch {
  loadCounter += 1;
  return {
    loadId: `load-${String(loadCounter).padStart(4, "0")}`,
    loadedAt: "2026-01-02T03:04:05.000Z",
    source: "conformance",
    rejects: [],
    ...overrides,
  };
}

export function state(stream: string, value: StateUpdate["value"], source = "conformance"): StateUpdate {
  return { source, stream, version: 1, value };
}

/** Parses an ISO timestamp into microseconds since epoch, so sinks that print different precisions compare equal. */
export function epochMicros(iso: string): bigint {
  const match = /^(.*?)(?:\.(\d+))?(Z|[+-]\d{2}:?\d{2})$/.exec(iso);
  if (match === null) throw new Error(`not an ISO timestamp: ${iso}`);
  const [, main, fraction = "", zone] = match;
  const millis = Date.parse(`${main}${zone === "Z" ? "Z" : zone}`);
  if (Number.isNaN(millis)) throw new Error(`not an ISO timestamp: ${iso}`);
  const micros = BigInt(`${fraction}000000`.slice(0, 6));
  return BigInt(millis) * 1000n + micros;
}
