import { type JsonValue, type Source, StateError, type StoredState } from "@parley/core";

/**
 * Turns the sink's stored rows into the per-stream state a source reads, refusing state it cannot
 * trust (written by a newer connector, or of the wrong shape) instead of silently starting over.
 */
export function usableState(
  sourceName: string,
  source: Source,
  stored: readonly StoredState[],
): Map<string, JsonValue> {
  const state = new Map<string, JsonValue>();
  for (const entry of stored) {
    if (entry.version > source.stateVersion) {
      throw new StateError(
        `State of ${sourceName}/${entry.stream} has version ${entry.version}, written by a newer ${source.type} connector (this one reads version ${source.stateVersion}). Upgrade the connector, or run \`parley state reset ${sourceName}\` to start over.`,
        { source: sourceName, stream: entry.stream },
      );
    }
    const parsed = source.stateSchema.safeParse(entry.value);
    if (!parsed.success) {
      throw new StateError(
        `State of ${sourceName}/${entry.stream} does not match what the ${source.type} connector expects (${parsed.error.issues[0]?.message ?? "invalid"}). Run \`parley state reset ${sourceName} --stream ${entry.stream}\` to re-read that stream from its configured start.`,
        { source: sourceName, stream: entry.stream, cause: parsed.error },
      );
    }
    state.set(entry.stream, parsed.data);
  }
  return state;
}
