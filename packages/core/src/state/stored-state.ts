import type { JsonValue } from "./json-value.ts";

/**
 * One stream's state as kept in the sink's `_parley_state` table (one row per source and stream).
 * It is written only in the same transaction as the records it describes.
 */
export interface StoredState {
  /** The source's name in the config (not its type: two Ultimate sources keep separate state). */
  readonly source: string;
  readonly stream: string;
  /** The connector's `stateVersion` when it was written. */
  readonly version: number;
  readonly value: JsonValue;
  /** The run that wrote it, and when (ISO 8601 UTC). */
  readonly loadId: string;
  readonly updatedAt: string;
}

/** A state change that travels with a batch. */
export interface StateUpdate {
  readonly source: string;
  readonly stream: string;
  readonly version: number;
  readonly value: JsonValue;
}
