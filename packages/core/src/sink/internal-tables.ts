import { repairText } from "../schema/json-value.ts";
import type { ColumnDefinition } from "../schema/logical-type.ts";

/**
 * Parley's own tables, identical in every sink so tools and docs can rely on them.
 * Each sink creates them in its target schema/dataset next to the data tables.
 */
export const internalTables = {
  /** One row per source and stream: the state that matches the stored data. */
  state: {
    name: "_parley_state",
    primaryKey: ["source", "stream"],
    columns: [
      { name: "source", type: "string", nullable: false },
      { name: "stream", type: "string", nullable: false },
      { name: "state_version", type: "integer", nullable: false },
      { name: "state", type: "json", nullable: false },
      { name: "load_id", type: "string", nullable: false },
      { name: "updated_at", type: "timestamp", nullable: false },
    ],
  },
  /** One row per run: started, finished, status and per-stream counts. */
  loads: {
    name: "_parley_loads",
    primaryKey: ["load_id"],
    columns: [
      { name: "load_id", type: "string", nullable: false },
      { name: "source", type: "string", nullable: false },
      { name: "started_at", type: "timestamp", nullable: false },
      { name: "finished_at", type: "timestamp" },
      { name: "status", type: "string", nullable: false },
      { name: "streams", type: "json" },
      { name: "error", type: "string" },
      { name: "metadata", type: "json" },
    ],
  },
  /** Records that failed validation, with the reason and the raw payload. */
  rejects: {
    name: "_parley_rejects",
    primaryKey: [],
    columns: [
      { name: "load_id", type: "string", nullable: false },
      { name: "source", type: "string", nullable: false },
      { name: "stream", type: "string", nullable: false },
      { name: "reason", type: "string", nullable: false },
      { name: "payload", type: "string", nullable: false },
      { name: "rejected_at", type: "timestamp", nullable: false },
    ],
  },
} as const satisfies Record<
  string,
  { name: string; primaryKey: readonly string[]; columns: readonly ColumnDefinition[] }
>;

/** Upper bound for a stored reject payload; longer payloads are cut and marked. */
export const maxRejectPayloadBytes = 1_000_000;

/** Serialises a raw rejected value for `_parley_rejects.payload`, as text every sink stores alike. */
export function rejectPayload(raw: unknown): string {
  let text: string;
  try {
    text = typeof raw === "string" ? raw : (JSON.stringify(raw) ?? String(raw));
  } catch {
    // Nested too deep to serialise (or a cycle): the reason says so; the shallow part is still shown.
    text = shallowJson(raw);
  }
  text = repairText(text);
  return text.length > maxRejectPayloadBytes ? `${text.slice(0, maxRejectPayloadBytes)}...[truncated]` : text;
}

function shallowJson(value: unknown, depth = 0): string {
  if (typeof value === "bigint") return value.toString();
  if (typeof value !== "object" || value === null) return JSON.stringify(value) ?? String(value);
  if (depth >= 20) return '"[nested deeper]"';
  const inner = Array.isArray(value)
    ? value.map((item) => shallowJson(item, depth + 1))
    : Object.entries(value).map(([key, item]) => `${JSON.stringify(key)}:${shallowJson(item, depth + 1)}`);
  return Array.isArray(value) ? `[${inner.join(",")}]` : `{${inner.join(",")}}`;
}
