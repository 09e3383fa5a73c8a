import { type FieldMapping, fieldReaders } from "@parley/core";
import { jsonCallMapping } from "./voicegain-mapping.ts";

/** A `VoiceCall` key's value as JSON text; undefined when the value is absent (the mapping reads it as null). */
export type JsonText = string | undefined;

/**
 * How a text value (a CSV cell, never `""`) becomes a `VoiceCall` key's JSON value: the value the calls mapping's
 * reading of that key gives, written so the mapping reads it back unchanged; a `ValueProblem` naming `field` when
 * the reading refuses it. Values already in the reading's usual form are copied as they are.
 */
export type KeyReader = (field: string, text: string) => JsonText;

/** A string as JSON; most need no escape, so they are not handed to `JSON.stringify`. */
export function jsonText(text: string): string {
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code < 32 || code === 34 || code === 92 || (code >= 0xd800 && code <= 0xdfff)) return JSON.stringify(text);
  }
  return `"${text}"`;
}

/** Whole digits from `from` (1 to 15, no leading zero): where they end, or -1. */
function digitsEnd(text: string, from: number): number {
  let index = from;
  while (index < text.length && index - from < 16) {
    const code = text.charCodeAt(index);
    if (code < 48 || code > 57) break;
    index++;
  }
  const count = index - from;
  return count === 0 || count > 15 || (count > 1 && text.charCodeAt(from) === 48) ? -1 : index;
}

// The forms a JSON number has and every reading below reads to itself: no exponent, at most 15 digits each side.
const isWhole = (text: string, signed: boolean): boolean =>
  digitsEnd(text, signed && text.charCodeAt(0) === 45 ? 1 : 0) === text.length;

function isDecimal(text: string): boolean {
  const whole = digitsEnd(text, text.charCodeAt(0) === 45 ? 1 : 0);
  if (whole === -1 || whole === text.length) return whole === text.length;
  if (text.charCodeAt(whole) !== 46 || text.length - whole < 2 || text.length - whole > 16) return false;
  for (let index = whole + 1; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code < 48 || code > 57) return false;
  }
  return true;
}

/** How a reading's usual text forms are told apart: each is its own JSON value (`otherForms`: none is). */
export const valueForms = { text: 0, decimal: 1, whole: 2, id: 3, boolean: 4, other: 5 } as const;
export type ValueForm = (typeof valueForms)[keyof typeof valueForms];

export function formOf(reading: FieldMapping["reading"]): ValueForm {
  switch (reading) {
    case "text or null":
      return valueForms.text;
    case "number":
      return valueForms.decimal;
    case "whole number":
      return valueForms.whole;
    case "numeric id":
      return valueForms.id;
    case "true or false":
      return valueForms.boolean;
    default:
      return valueForms.other;
  }
}

/**
 * The JSON value of a text (never `""`) in its reading's usual form, which the reading reads back as it would read
 * the text itself; undefined when the text is not in that form.
 */
export function usualJson(form: ValueForm, text: string): string | undefined {
  switch (form) {
    case valueForms.text:
      return jsonText(text);
    case valueForms.decimal:
      return isDecimal(text) ? text : undefined;
    case valueForms.whole:
      return isWhole(text, true) ? text : undefined;
    case valueForms.id:
      return isWhole(text, false) ? text : undefined;
    case valueForms.boolean:
      return text === "true" || text === "false" ? text : undefined;
    default:
      return undefined;
  }
}

/** A scalar key of the calls mapping: the usual forms of its reading, and the reading itself for any other text. */
export interface ScalarKey {
  readonly form: ValueForm;
  /** The key's JSON value read from a text not in a usual form. */
  readonly read: KeyReader;
}

function scalarKey(reading: FieldMapping["reading"]): ScalarKey {
  if (reading === "object list") throw new Error("an object list is read with its item keys");
  const read = fieldReaders[reading];
  return {
    form: formOf(reading),
    read: (field, text) => {
      const value = read(field, text);
      return value === null ? undefined : JSON.stringify(value);
    },
  };
}

/** Every scalar key of the calls mapping (`agent.agentId` for one inside `agent`) and how it is read. */
export const callScalarKeys: ReadonlyMap<string, ScalarKey> = new Map(
  jsonCallMapping.fields
    .filter((field) => field.reading !== "object list")
    .map((field) => {
      const key = field.from[0];
      return [field.within === undefined ? key : `${field.within}.${key}`, scalarKey(field.reading)];
    }),
);
