import type { JsonValue } from "@parley/core";
import { z } from "zod";
import type { VoicegainConfig } from "./voicegain-config.ts";

/**
 * The `calls` stream's state keeps both modes apart, so neither can misread the other's progress:
 * - `consecutive`: the highest exported callId (the vendor's `maxExportedCallId`, seed 002) and the filters it
 *   applies to. Only consecutive runs change it.
 * - `window`: the last window-mode backfill, with the next page to read if it was interrupted. Only window runs
 *   change it; a consecutive run carries it over untouched, and vice versa.
 */
const consecutiveState = z.object({
  afterCallId: z.int().min(0),
  filters: z.string(),
});

const windowState = z.object({
  fromTime: z.string(),
  toTime: z.string(),
  filters: z.string(),
  perPage: z.int().min(1),
  nextPage: z.int().min(1),
  complete: z.boolean(),
});

export const voicegainStateSchema = z.object({
  consecutive: consecutiveState.nullable().default(null),
  window: windowState.nullable().default(null),
});

export type VoicegainState = z.output<typeof voicegainStateSchema>;
export type ConsecutiveState = z.output<typeof consecutiveState>;
export type WindowState = z.output<typeof windowState>;

export const stateSchema: z.ZodType<JsonValue> = voicegainStateSchema;

export function readState(value: JsonValue | undefined): VoicegainState {
  return voicegainStateSchema.parse(value ?? {});
}

/** The id filters as one comparable string: a position is only valid for the call set it was taken on. */
export function idFilters(config: VoicegainConfig): string {
  const list = (ids: readonly string[] | undefined): string => (ids === undefined ? "*" : [...ids].sort().join(","));
  return `agentId=${list(config.agentIds)};queueId=${list(config.queueIds)};aivrAppId=${list(config.aivrAppIds)}`;
}
