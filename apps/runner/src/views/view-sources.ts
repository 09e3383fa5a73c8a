import type { Sink } from "@parley/core";
import type { ConfiguredSource } from "../config/load-config.ts";

/** A connector type whose views cannot be created yet, and why. */
export interface UnsyncedType {
  readonly sourceType: string;
  readonly sources: readonly string[];
  readonly missingTables: readonly string[];
}

/**
 * The tables a connector type's views read: `<type>_<stream>` for each of its streams (the views use the default
 * table prefix). Creating a source performs no I/O, so this only reads its stream list.
 */
export function viewTables(source: ConfiguredSource): string[] {
  const created = source.factory.create(source.config);
  return created.streams.map((stream) => `${source.type}_${stream.name}`);
}

export async function tableExists(sink: Sink, table: string): Promise<boolean> {
  try {
    await sink.query(`SELECT 1 AS present FROM ${table} WHERE 1 = 0`);
    return true;
  } catch {
    return false;
  }
}

/** The configured connector types whose tables are not in the sink yet (their sources were never synced). */
export async function findUnsyncedTypes(sink: Sink, sources: readonly ConfiguredSource[]): Promise<UnsyncedType[]> {
  const unsynced: UnsyncedType[] = [];
  for (const type of [...new Set(sources.map((source) => source.type))].sort()) {
    const ofType = sources.filter((source) => source.type === type);
    const tables = [...new Set(ofType.flatMap(viewTables))];
    const missingTables: string[] = [];
    for (const table of tables) if (!(await tableExists(sink, table))) missingTables.push(table);
    if (missingTables.length > 0)
      unsynced.push({ sourceType: type, sources: ofType.map((source) => source.name), missingTables });
  }
  return unsynced;
}
