import { DuplicateColumnsError } from "../errors/duplicate-columns-error.ts";

/**
 * Called by every driver's `query` with the result's column names, before it builds rows keyed by name: a name
 * that repeats (`SELECT 1 AS a, 2 AS a`, or two `count(*)` on PostgreSQL) is refused instead of losing a column.
 */
export function refuseDuplicateColumns(names: readonly string[]): void {
  const seen = new Set<string>();
  const repeated = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) repeated.add(name);
    seen.add(name);
  }
  if (repeated.size > 0) throw new DuplicateColumnsError([...repeated]);
}
