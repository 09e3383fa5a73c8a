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

/** Serialises a raw rejected value for `_parley_rejects.payload`. */
export function rejectPayload(raw: unknown): string {
  let text: string;
  try {
    text = typeof raw === "string" ? raw : (JSON.stringify(raw) ?? String(raw));
  } catch {
    text = String(raw);
  }
  return text.length > maxRejectPayloadBytes ? `${text.slice(0, maxRejectPayloadBytes)}...[truncated]` : text;
}
