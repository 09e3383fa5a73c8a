import type { RecordContext, RecordMapping } from "./record-mapping.ts";

/**
 * What both JavaScript mappers do around the vendor's fields, so that they agree: context columns take the
 * context's values first; after the fields, a column with a context fallback that is still null takes the
 * context's value, and the day column the UTC day of its timestamp. A required column is checked after that.
 */
export function contextSteps(mapping: RecordMapping) {
  const contextColumns = mapping.contextColumns ?? [];
  const fallbacks = mapping.fields.filter((field) => field.contextFallback === true).map((field) => field.column);
  const day = mapping.dayFallback;
  return {
    before(row: Record<string, unknown>, context: RecordContext): void {
      for (const column of contextColumns) row[column] = context.values[column] ?? null;
    },
    after(row: Record<string, unknown>, context: RecordContext): void {
      for (const column of fallbacks) row[column] ??= context.values[column] ?? null;
      if (day !== undefined && row[day.column] === null && typeof row[day.from] === "string")
        row[day.column] = (row[day.from] as string).slice(0, 10);
    },
  };
}
