import { z } from "zod";
import type { JsonValue } from "../state/json-value.ts";
import type { StoredState } from "../state/stored-state.ts";
import type { LoadRecord } from "./sink.ts";

// Rows of Parley's own tables, as every sink's `query()` normalises them. Parsing them with zod means a
// hand-edited or half-migrated `_parley_state` row is refused with a reason instead of misleading a sync.
const jsonValue: z.ZodType<JsonValue> = z.json() as z.ZodType<JsonValue>;

const stateRowSchema = z.object({
  source: z.string(),
  stream: z.string(),
  state_version: z.int().min(1),
  state: jsonValue,
  load_id: z.string(),
  updated_at: z.string(),
});

const streamSummarySchema = z.object({
  stream: z.string(),
  table: z.string(),
  records: z.int().min(0),
  rejects: z.int().min(0),
  stateBefore: jsonValue.nullable(),
  stateAfter: jsonValue.nullable(),
});

const loadRowSchema = z.object({
  load_id: z.string(),
  source: z.string(),
  started_at: z.string(),
  finished_at: z.string().nullable(),
  status: z.enum(["running", "succeeded", "failed", "interrupted", "abandoned"]),
  streams: z.array(streamSummarySchema.loose()).nullable(),
  error: z.string().nullable(),
  metadata: jsonValue.nullable().optional(),
});

function parseRow<S extends z.ZodType>(schema: S, table: string, row: unknown): z.output<S> {
  const parsed = schema.safeParse(row);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new Error(
    `A row of ${table} is not in Parley's format (${issue?.path.join(".") ?? ""}: ${issue?.message}); was it edited by hand?`,
  );
}

/** One `_parley_state` row (as returned by `Sink.query`) as a `StoredState`. */
export function storedStateFromRow(row: unknown): StoredState {
  const parsed = parseRow(stateRowSchema, "_parley_state", row);
  return {
    source: parsed.source,
    stream: parsed.stream,
    version: parsed.state_version,
    value: parsed.state,
    loadId: parsed.load_id,
    updatedAt: parsed.updated_at,
  };
}

/**
 * A stored load time as Parley wrote it (`toISOString`, milliseconds): warehouses give it back in their own
 * spelling (PostgreSQL drops trailing zeros of the fraction), and messages and comparisons use this one.
 */
function loadTime(stored: string): string {
  const time = new Date(stored);
  return Number.isNaN(time.getTime()) ? stored : time.toISOString();
}

/** One `_parley_loads` row (as returned by `Sink.query`) as a `LoadRecord`. */
export function loadRecordFromRow(row: unknown): LoadRecord {
  const parsed = parseRow(loadRowSchema, "_parley_loads", row);
  return {
    loadId: parsed.load_id,
    source: parsed.source,
    startedAt: loadTime(parsed.started_at),
    finishedAt: parsed.finished_at === null ? null : loadTime(parsed.finished_at),
    status: parsed.status,
    streams: parsed.streams ?? [],
    error: parsed.error,
    ...(parsed.metadata === null || parsed.metadata === undefined ? {} : { metadata: parsed.metadata }),
  };
}
