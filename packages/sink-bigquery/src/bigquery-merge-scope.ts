import type { ColumnDefinition, ValidatedRow } from "@parley/core";
import { quoteIdentifier, quoteString } from "./bigquery-types.ts";

function nextDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}

/**
 * A predicate on the target's event-time column covering the days of the batch's rows (and the NULL partition
 * when some rows have no event time), so a merge's delete prunes every other partition instead of scanning the
 * table.
 */
export function eventTimeScope(
  column: ColumnDefinition,
  rows: readonly ValidatedRow[],
  alias: string,
): string | undefined {
  const days = new Set<string>();
  let nulls = false;
  for (const row of rows) {
    const value = row[column.name];
    if (value === null || value === undefined) nulls = true;
    else days.add(column.type === "date" ? String(value) : new Date(String(value)).toISOString().slice(0, 10));
  }
  const sorted = [...days].sort();
  const target = `${alias}.${quoteIdentifier(column.name)}`;
  const parts: string[] = [];
  if (sorted.length > 0) {
    const first = sorted[0] as string;
    const last = sorted[sorted.length - 1] as string;
    parts.push(
      column.type === "date"
        ? `${target} BETWEEN DATE ${quoteString(first)} AND DATE ${quoteString(last)}`
        : `${target} >= TIMESTAMP ${quoteString(`${first} 00:00:00+00`)} AND ${target} < TIMESTAMP ${quoteString(`${nextDay(last)} 00:00:00+00`)}`,
    );
  }
  if (nulls) parts.push(`${target} IS NULL`);
  return parts.length === 0
    ? undefined
    : parts.length === 1
      ? (parts[0] as string)
      : `(${parts.map((part) => `(${part})`).join(" OR ")})`;
}
