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

/** A reading's usual text forms, which are their own JSON value; anything else goes through the reading itself. */
const usualForms: Partial<Record<FieldMapping["reading"], (text: string) => boolean>> = {
  number: isDecimal,
  "whole number": (text) => isWhole(text, true),
  "numeric id": (text) => isWhole(text, false),
  "true or false": (text) => text === "true" || text === "false",
};

/**
 * The JSON value of a text (never `""`) in the reading's usual form, which the reading reads back as it would read the
 * text itself; undefined when the text is not in that form.
 */
export function usualJson(reading: FieldMapping["reading"], text: string): string | undefined {
  if (reading === "text or null") return jsonText(text);
  return usualForms[reading]?.(text) === true ? text : undefined;
}

function keyReader(reading: FieldMapping["reading"]): KeyReader {
  if (reading === "text or null") return (_field, text) => jsonText(text);
  if (reading === "object list") throw new Error("an object list is read with its item keys");
  const read = fieldReaders[reading];
  const usual = usualForms[reading] ?? (() => false);
  return (field, text) => {
    if (usual(text)) return text;
    const value = read(field, text);
    return value === null ? undefined : JSON.stringify(value);
  };
}

/** Every scalar key of the calls mapping (`agent.agentId` for one inside `agent`) with its reader. */
export const callKeyReaders: ReadonlyMap<string, KeyReader> = new Map(
  jsonCallMapping.fields
    .filter((field) => field.reading !== "object list")
    .map((field) => {
      const key = field.from[0];
      return [field.within === undefined ? key : `${field.within}.${key}`, keyReader(field.reading)];
    }),
);
