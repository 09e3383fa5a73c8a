import type { JsonValue } from "@parley/core";
import { z } from "zod";
import { timestampNanos } from "./ccai-proto.ts";

const time = z.string().refine((text) => {
  try {
    timestampNanos(text, "state");
    return true;
  } catch {
    return false;
  }
}, "must be an RFC 3339 timestamp");

/**
 * A stream's state. `watermark` is the highest `updateTime` of a COMPLETED pass: update_time cannot be sorted on
 * (vendor-apis §1.4), so a half-read pass says nothing about which updates were seen. A pass in progress is resumed
 * with its frozen `upperBound` and the page token, which Google binds to the exact filter (AIP-158), so the resumed
 * pass lists the same set; `maxSeen` is carried so the watermark can advance when the pass completes.
 */
export const ccaiStateSchema = z.strictObject({
  watermark: time.nullable(),
  pass: z
    .strictObject({
      upperBound: time,
      pageToken: z.string().min(1),
      maxSeen: time.nullable(),
      pages: z.int().min(1),
    })
    .nullable(),
});

export type CcaiState = z.output<typeof ccaiStateSchema>;

export const emptyState: CcaiState = { watermark: null, pass: null };

/** Orders states by how far they got: a lower watermark first, then a pass in progress before a finished one. */
function progress(state: CcaiState): [bigint, number] {
  const watermark = state.watermark === null ? -1n : timestampNanos(state.watermark, "watermark");
  return [watermark, state.pass === null ? Number.POSITIVE_INFINITY : state.pass.pages];
}

/**
 * Both streams follow one pass over conversations, but the runner stores each stream's state with that stream's rows,
 * so after a crash they can differ. Resuming from the least advanced one re-reads a little of the other (merge
 * streams, so harmless) and loses nothing of either.
 */
export function earliestState(states: readonly (JsonValue | undefined)[]): CcaiState {
  let earliest: CcaiState | undefined;
  for (const value of states) {
    const state = value === undefined ? emptyState : ccaiStateSchema.parse(value);
    if (earliest === undefined) {
      earliest = state;
      continue;
    }
    const [watermark, pages] = progress(state);
    const [bestWatermark, bestPages] = progress(earliest);
    if (watermark < bestWatermark || (watermark === bestWatermark && pages < bestPages)) earliest = state;
  }
  return earliest ?? emptyState;
}

export function laterTime(current: string | null, candidate: string | null): string | null {
  if (candidate === null) return current;
  if (current === null) return candidate;
  return timestampNanos(candidate, "updateTime") > timestampNanos(current, "updateTime") ? candidate : current;
}
