import { describeValue } from "../schema/json-value.ts";
import { invalid, type Reading } from "./value-readings.ts";

/**
 * The vocabulary every connector reads vendor values with: a reading `(value) => T | null | invalid` says what a
 * value means (null: absent or empty; `invalid`: present but unreadable), and `readField` names the field when it
 * is unreadable, by throwing a `ValueProblem`, which the connector's mapping turns into a reject with that reason.
 * Ultimate's declared mapping uses the readings directly; Voicegain's and CCAI's hand-written mappings through here.
 */
export class ValueProblem extends Error {
  override readonly name = "ValueProblem";
}

/** `read(value)`, or a `ValueProblem` saying "`field`: <the value> is not <expected>". */
export function readField<T>(
  field: string,
  value: unknown,
  read: (value: unknown) => Reading<T>,
  expected: string,
): T | null {
  const reading = read(value);
  if (reading === invalid) throw new ValueProblem(`${field}: ${shownValue(value)} is not ${expected}`);
  return reading;
}

/** A value as a reason shows it: strings quoted and cut at 40 characters, anything else as JSON. */
export function shownValue(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
  try {
    return JSON.stringify(value) ?? describeValue(value);
  } catch {
    return describeValue(value);
  }
}
