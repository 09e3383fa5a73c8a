import { describeValue } from "../schema/json-value.ts";
import { createExactRecordMapper } from "./exact-record-mapper.ts";
import { expectedValues } from "./field-readers.ts";
import { contextSteps } from "./mapping-context.ts";
import type { RecordContext, RecordMapping, ValueReading } from "./record-mapping.ts";
import { shownValue } from "./value-problem.ts";
import { invalid, type Reading, toBoolean, toCount, toJson, toText, toTimestamp } from "./value-readings.ts";

/** The readings keys of any case can use; the others need `keys: "exact"`. */
type AnyCaseReading = "text" | "timestamp" | "count" | "boolean" | "json";

const readers: Readonly<Record<AnyCaseReading, (value: unknown) => unknown>> = {
  text: toText,
  timestamp: toTimestamp,
  count: toCount,
  boolean: toBoolean,
  json: toJson,
};

/** A vendor value in a reject reason: text as reasons show it, anything else by its kind. */
const describe = (value: unknown): string => (typeof value === "string" ? shownValue(value) : typeof value);

export type MappedRecord =
  | { readonly ok: true; readonly row: Record<string, unknown> }
  | { readonly ok: false; readonly reason: string };

interface Target {
  readonly column: string;
  readonly vendorName: string;
  readonly read: (value: unknown) => unknown;
  readonly reading: AnyCaseReading;
  readonly nameColumn: string | undefined;
}

/**
 * The JavaScript executor of a `RecordMapping`: a parsed vendor record (and its context) to a row with every
 * column of `columns`, or the reason it cannot be one. Keys are looked up exactly, then case-insensitively; a
 * later non-null value of the same column (an alternative name, another spelling) replaces an earlier one.
 * `requiredColumns` (the primary key) must end up non-empty.
 */
export function createRecordMapper(
  mapping: RecordMapping,
  columns: readonly string[],
  requiredColumns: readonly string[],
): (raw: unknown, context: RecordContext) => MappedRecord {
  if (mapping.keys === "exact") return createExactRecordMapper(mapping, columns, requiredColumns);
  const anyCase = (reading: ValueReading): reading is AnyCaseReading => reading in readers;
  const nameColumns = new Map((mapping.fieldNameColumns ?? []).map((entry) => [entry.of, entry.column]));
  // Exact, lower- and upper-case spellings are looked up directly, so the usual record needs one map lookup per key.
  const targets = new Map<string, Target>();
  for (const field of mapping.fields) {
    const reading = field.reading;
    if (!anyCase(reading) || field.within !== undefined)
      throw new Error(`column ${field.column}: reading "${reading}" and within need a mapping with keys: "exact"`);
    for (const vendorName of field.from) {
      const target: Target = {
        column: field.column,
        vendorName,
        read: readers[reading],
        reading,
        nameColumn: nameColumns.get(field.column),
      };
      for (const spelling of [vendorName, vendorName.toLowerCase(), vendorName.toUpperCase()])
        if (!targets.has(spelling)) targets.set(spelling, target);
    }
  }
  const around = contextSteps(mapping);
  const required = requiredColumns.map((column) => ({
    column,
    vendorName: mapping.fields.find((field) => field.column === column)?.from[0] ?? column,
  }));
  const empty: Record<string, null> = Object.fromEntries(columns.map((column) => [column, null]));
  return (raw, context) => {
    if (typeof raw !== "object" || raw === null || Array.isArray(raw))
      return { ok: false, reason: `expected a record (a JSON object), got ${describeValue(raw)}` };
    const row: Record<string, unknown> = { ...empty };
    around.before(row, context);
    let extra: Record<string, unknown> | null = null;
    for (const key in raw) {
      const value = (raw as Record<string, unknown>)[key];
      const target = targets.get(key) ?? targets.get(key.toLowerCase());
      if (target === undefined) {
        extra ??= {};
        extra[key] = value;
        continue;
      }
      const read = target.read(value) as Reading<unknown>;
      if (read === invalid)
        return {
          ok: false,
          reason: `field ${target.vendorName}: cannot read ${describe(value)} as ${expectedValues[target.reading]}`,
        };
      if (read === null && row[target.column] !== null) continue;
      row[target.column] = read;
      if (target.nameColumn !== undefined) row[target.nameColumn] = target.vendorName;
    }
    around.after(row, context);
    for (const { column, vendorName } of required)
      if (row[column] === null || row[column] === "")
        return { ok: false, reason: `field ${vendorName}: missing or empty` };
    if (mapping.extraFieldsColumn !== undefined) row[mapping.extraFieldsColumn] = extra;
    return { ok: true, row };
  };
}

/** One raw record's text mapped as `createRecordMapper` does, or a reject with the value as parsed (or the text). */
export type MappedText =
  | { readonly ok: true; readonly row: Record<string, unknown> }
  | { readonly ok: false; readonly raw: unknown; readonly reason: string };

/** Parses one raw record and maps it; every failure names `context.where`. */
export function mapRecordText(
  mapper: ReturnType<typeof createRecordMapper>,
  text: string,
  context: RecordContext,
): MappedText {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const reason = `not valid JSON (${(error as Error).message})`;
    return { ok: false, raw: text, reason: context.where === "" ? reason : `${context.where}: ${reason}` };
  }
  const mapped = mapper(value, context);
  if (mapped.ok) return mapped;
  return { ok: false, raw: value, reason: context.where === "" ? mapped.reason : `${context.where}: ${mapped.reason}` };
}
