import type { ValidatedRow } from "@parley/core";

/**
 * Keeps the last row for each primary key (in batch order) and lists the keys, so a merge can delete the
 * rows being replaced and insert the batch in one pass. Doing this in JavaScript is a hash map per batch;
 * in SQL it was a window function over the whole staged batch.
 */
export function latestRowPerKey(
  rows: readonly ValidatedRow[],
  primaryKey: readonly string[],
): { rows: readonly ValidatedRow[]; keysJson: string } {
  const single = primaryKey.length === 1 ? (primaryKey[0] as string) : undefined;
  const lastIndex = new Map<unknown, number>();
  for (let index = 0; index < rows.length; index++) {
    const row = rows[index] as ValidatedRow;
    const key = single === undefined ? JSON.stringify(primaryKey.map((column) => String(row[column]))) : row[single];
    lastIndex.set(key, index);
  }
  const latest =
    lastIndex.size === rows.length
      ? rows
      : [...lastIndex.values()].sort((a, b) => a - b).map((index) => rows[index] as ValidatedRow);
  const keys = latest.map((row) => Object.fromEntries(primaryKey.map((column) => [column, row[column]])));
  const keysJson = JSON.stringify(keys, (_name, value: unknown) =>
    typeof value === "bigint" ? value.toString() : value,
  );
  return { rows: latest, keysJson };
}
