import type { ItemKey, ValueReading } from "./record-mapping.ts";
import { readField, shownValue, ValueProblem } from "./value-problem.ts";
import {
  invalid,
  toBoolean,
  toCount,
  toJson,
  toNumber,
  toNumericId,
  toText,
  toTextOrNull,
  toTimestamp,
  toTrueOrFalse,
  toUtcTime,
  toWholeNumber,
} from "./value-readings.ts";

/**
 * The value readings of `record-mapping.ts` as field readers: `(field, value)` gives the value to store, or throws a
 * `ValueProblem` naming the field (`duration: "long" is not a number`). The exact-key mapper runs them; connectors
 * whose other formats map by hand (Voicegain's CSV) use the same ones, so every format gives the same values.
 */
export type FieldReader = (field: string, value: unknown) => unknown;

/** What a value of each reading should have been, as a reject reason says it. */
export const expectedValues: Readonly<Record<ValueReading, string>> = {
  text: "a text",
  count: "a whole-number count",
  timestamp: "a timestamp",
  boolean: "a boolean",
  json: "JSON",
  "text or null": "text",
  number: "a number",
  "whole number": "a whole number",
  "numeric id": "a numeric id",
  "true or false": "true or false",
  "utc time": "an RFC 3339 date-time",
  "json as sent": "JSON",
  "text list": "a list",
  "numeric id list": "a list",
  "object list": "a list",
};

export function textOrNullField(field: string, value: unknown): string | null {
  const text = toTextOrNull(value);
  if (text === invalid) throw new ValueProblem(`${field}: expected text, got ${shownValue(value)}`);
  return text;
}

export function numberField(field: string, value: unknown): number | null {
  return readField(field, value, toNumber, "a number");
}

export function wholeNumberField(field: string, value: unknown): number | null {
  // A fraction says "not a whole number"; text that is no number at all says "not a number".
  const number = readField(field, value, toNumber, "a number");
  return number === null || Number.isSafeInteger(number)
    ? number
    : readField(field, value, toWholeNumber, "a whole number");
}

export function numericIdField(field: string, value: unknown): number | null {
  return readField(field, value, toNumericId, "a numeric id");
}

export function trueOrFalseField(field: string, value: unknown): boolean | null {
  return readField(field, value, toTrueOrFalse, "true or false");
}

export function utcTimeField(field: string, value: unknown): string | null {
  return readField(field, value, toUtcTime, "an RFC 3339 date-time");
}

export function textListField(field: string, value: unknown): string[] | null {
  if (value === undefined || value === null) return null;
  if (!Array.isArray(value)) throw new ValueProblem(`${field}: expected a list, got ${shownValue(value)}`);
  return value.map((item, index) => textOrNullField(`${field}[${index}]`, item) ?? "");
}

/** The object a field lies within: undefined when absent or null, a `ValueProblem` when not an object. */
export function objectField(field: string, value: unknown): Record<string, unknown> | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "object" || Array.isArray(value)) throw new ValueProblem(`${field}: expected an object`);
  return value as Record<string, unknown>;
}

/** An `object list` reader for these item keys: each item an object of exactly those keys, in that order. */
export function objectListReader(keys: readonly ItemKey[]): FieldReader {
  const readers = keys.map(({ key, reading }) => ({ key, read: fieldReaders[reading] }));
  return (field, value) => {
    if (value === undefined || value === null) return null;
    if (!Array.isArray(value)) throw new ValueProblem(`${field}: expected a list`);
    return value.map((item, index) => {
      const path = `${field}[${index}]`;
      const source = objectField(path, item) ?? {};
      const object: Record<string, unknown> = {};
      for (const { key, read } of readers) object[key] = read(`${path}.${key}`, source[key]);
      return object;
    });
  };
}

function strictly<T>(read: (value: unknown) => T | null | typeof invalid, expected: string): FieldReader {
  return (field, value) => readField(field, value, read, expected);
}

/** Every reading but `object list`, which needs its item keys (`objectListReader`). */
export const fieldReaders: Readonly<Record<Exclude<ValueReading, "object list">, FieldReader>> = {
  text: strictly(toText, expectedValues.text),
  count: strictly(toCount, expectedValues.count),
  timestamp: strictly(toTimestamp, expectedValues.timestamp),
  boolean: strictly(toBoolean, expectedValues.boolean),
  json: (_field, value) => toJson(value),
  "text or null": textOrNullField,
  number: numberField,
  "whole number": wholeNumberField,
  "numeric id": numericIdField,
  "true or false": trueOrFalseField,
  "utc time": utcTimeField,
  "json as sent": (_field, value) => value ?? null,
  "text list": textListField,
  "numeric id list": (field, value) =>
    textListField(field, value)?.map((id, index) => numericIdField(`${field}[${index}]`, id)) ?? null,
};
