import { describeValue } from "../schema/json-value.ts";
import { expectedValues, type FieldReader, fieldReaders, objectField, objectListReader } from "./field-readers.ts";
import { contextSteps } from "./mapping-context.ts";
import type { MappedRecord } from "./record-mapper.ts";
import type { FieldMapping, RecordContext, RecordMapping } from "./record-mapping.ts";
import { shownValue, ValueProblem } from "./value-problem.ts";

interface Step {
  readonly column: string;
  readonly names: readonly string[];
  /** The vendor field as a reason names it (`agent.agentId`), one per name. */
  readonly paths: readonly string[];
  readonly within: string | undefined;
  readonly read: FieldReader;
  readonly expected: string;
}

export function readerOf(field: FieldMapping): FieldReader {
  if (field.reading !== "object list") return fieldReaders[field.reading];
  if (field.itemKeys === undefined) throw new Error(`column ${field.column}: an object list needs itemKeys`);
  return objectListReader(field.itemKeys);
}

/**
 * `createRecordMapper` for a mapping with `keys: "exact"`: keys as spelled, read in this order: the primary key's
 * fields (a record without one, and no context value to fall back on, is a reject saying so), then whether each object a field lies within is an object,
 * then the fields as declared. The first unreadable value gives the reason.
 */
export function createExactRecordMapper(
  mapping: RecordMapping,
  columns: readonly string[],
  requiredColumns: readonly string[],
): (raw: unknown, context: RecordContext) => MappedRecord {
  if (mapping.extraFieldsColumn !== undefined || mapping.fieldNameColumns !== undefined)
    throw new Error("a mapping with exact keys leaves unnamed fields out: no extraFieldsColumn or fieldNameColumns");
  const steps: Step[] = mapping.fields.map((field) => ({
    column: field.column,
    names: field.from,
    paths: field.from.map((name) => (field.within === undefined ? name : `${field.within}.${name}`)),
    within: field.within,
    read: readerOf(field),
    expected: expectedValues[field.reading],
  }));
  const required = steps.filter((step) => requiredColumns.includes(step.column));
  const containers = [...new Set(steps.flatMap((step) => (step.within === undefined ? [] : [step.within])))];
  const around = contextSteps(mapping);
  const fallbacks = new Set(mapping.fields.filter((field) => field.contextFallback).map((field) => field.column));
  const empty: Record<string, null> = Object.fromEntries(columns.map((column) => [column, null]));

  const read = (step: Step, record: Record<string, unknown>): unknown => {
    const source = step.within === undefined ? record : objectField(step.within, record[step.within]);
    for (const [index, name] of step.names.entries()) {
      const value = step.read(step.paths[index] as string, source?.[name]);
      if (value !== null) return value;
    }
    return null;
  };
  return (raw, context) => {
    if (typeof raw !== "object" || raw === null || Array.isArray(raw))
      return { ok: false, reason: `expected a record (a JSON object), got ${describeValue(raw)}` };
    const record = raw as Record<string, unknown>;
    const row: Record<string, unknown> = { ...empty };
    around.before(row, context);
    try {
      for (const step of required) {
        const value = read(step, record);
        const fromContext = value === null && fallbacks.has(step.column) && context.values[step.column] != null;
        if ((value === null && !fromContext) || value === "") {
          const sent = step.within === undefined ? record[step.names[0] as string] : undefined;
          const shown = sent === undefined ? "missing" : shownValue(sent);
          throw new ValueProblem(`${step.paths[0]}: ${shown} is not ${step.expected}`);
        }
      }
      for (const within of containers) objectField(within, record[within]);
      for (const step of steps) row[step.column] = read(step, record);
    } catch (error) {
      if (error instanceof ValueProblem) return { ok: false, reason: error.message };
      throw error;
    }
    around.after(row, context);
    return { ok: true, row };
  };
}
