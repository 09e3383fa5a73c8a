import { type FieldMapping, isRealDay, jsonBytes } from "@parley/core";

const { colon } = jsonBytes;
const [zero, nine, minus, plus, dash, point, letterT, letterZ, letterN] = [48, 57, 45, 43, 45, 46, 84, 90, 110];

/** What the cursor saw at a value; `unusual`: something the scanner leaves to JavaScript. */
export const kinds = { null: 0, literal: 1, string: 2, emptyString: 3, object: 4, list: 5, number: 6 } as const;
export const unusual = -2;

/**
 * Whether a value of this kind, for this reading, is stored by SQL exactly as by JavaScript. The usual forms are
 * checked on the bytes (no text made): counts as at most 15 digits, numbers with at most 15 digits before and
 * after the point (no exponent), whole numbers without a leading zero, times in UTC as written below. The value
 * lies in `[start, end)`; `escaped`: it is a string holding a backslash escape.
 */
export function usualKind(
  reading: FieldMapping["reading"],
  bytes: Uint8Array,
  kind: number,
  start: number,
  end: number,
  escaped: boolean,
): boolean {
  if (kind === kinds.null) return true;
  const plainString = kind === kinds.string && !escaped;
  switch (reading) {
    case "text":
      return (
        kind === kinds.string || kind === kinds.emptyString || (kind === kinds.literal && bytes[start] !== letterN)
      );
    case "count":
      return (
        kind === kinds.emptyString || (plainString && end - start - 2 <= 15 && digitsAt(bytes, start + 1, end - 1))
      );
    case "timestamp":
      // The validator keeps the text as sent and DuckDB stores microseconds: up to six digits of a second.
      return kind === kinds.emptyString || (plainString && isUsualUtcTime(bytes, start + 1, end - 1, 6));
    case "boolean":
      return kind === kinds.emptyString || kind === kinds.literal || (plainString && isTrueOrFalse(bytes, start, end));
    case "json":
    case "json as sent":
      return kind === kinds.object || kind === kinds.list;
    case "text or null":
      return kind === kinds.string || kind === kinds.emptyString || kind === kinds.literal;
    case "number":
      return kind === kinds.emptyString || (kind === kinds.number && isPlainNumber(bytes, start, end));
    case "whole number":
      return kind === kinds.emptyString || (kind === kinds.number && isWholeNumber(bytes, start, end, true));
    case "numeric id":
      if (kind === kinds.emptyString) return true;
      if (kind === kinds.number) return isWholeNumber(bytes, start, end, false);
      // Digits as text: `"007"` is 7 in JavaScript and in DuckDB's cast alike.
      return plainString && end - start - 2 <= 15 && digitsAt(bytes, start + 1, end - 1);
    case "true or false":
      return kind === kinds.emptyString || kind === kinds.literal;
    case "utc time":
      // JavaScript reads it to the millisecond, so DuckDB's microseconds cannot differ.
      return kind === kinds.emptyString || (plainString && isUsualUtcTime(bytes, start + 1, end - 1, 3));
    case "text list":
      return kind === kinds.list;
    default:
      // Lists read item by item are scanned by the cursor's `nested`.
      return false;
  }
}

/** At least one byte, all digits. */
function digitsAt(bytes: Uint8Array, from: number, to: number): boolean {
  if (to <= from) return false;
  for (let at = from; at < to; at++) {
    const byte = bytes[at] as number;
    if (byte < zero || byte > nine) return false;
  }
  return true;
}

/** A quoted `true` or `false` (quotes at `start` and `end - 1`). */
function isTrueOrFalse(bytes: Uint8Array, start: number, end: number): boolean {
  const text = end - start === 6 ? "true" : end - start === 7 ? "false" : undefined;
  if (text === undefined) return false;
  for (let offset = 0; offset < text.length; offset++)
    if (bytes[start + 1 + offset] !== text.charCodeAt(offset)) return false;
  return true;
}

/** Where the whole digits starting at `from` end (at most 15, no leading zero), or -1. */
function wholeDigitsEnd(bytes: Uint8Array, from: number, to: number): number {
  let at = from;
  while (at < to && at - from < 16 && (bytes[at] as number) >= zero && (bytes[at] as number) <= nine) at++;
  const count = at - from;
  return count === 0 || count > 15 || (count > 1 && bytes[from] === zero) ? -1 : at;
}

function isWholeNumber(bytes: Uint8Array, from: number, to: number, signed: boolean): boolean {
  const start = signed && bytes[from] === minus ? from + 1 : from;
  return wholeDigitsEnd(bytes, start, to) === to;
}

function isPlainNumber(bytes: Uint8Array, from: number, to: number): boolean {
  const negative = bytes[from] === minus;
  const whole = wholeDigitsEnd(bytes, negative ? from + 1 : from, to);
  if (whole === -1) return false;
  if (
    whole !== to &&
    !(bytes[whole] === point && to - whole >= 2 && to - whole <= 16 && digitsAt(bytes, whole + 1, to))
  )
    return false;
  // DuckDB stores `-0.0` as negative zero; JavaScript writes it as 0.
  return !negative || !zerosAt(bytes, from + 1, to);
}

/** Only zeros and a point. */
function zerosAt(bytes: Uint8Array, from: number, to: number): boolean {
  for (let at = from; at < to; at++) if (bytes[at] !== zero && bytes[at] !== point) return false;
  return true;
}

const twoDigits = (bytes: Uint8Array, at: number): number =>
  ((bytes[at] as number) - zero) * 10 + ((bytes[at + 1] as number) - zero);

/**
 * `YYYY-MM-DDTHH:MM:SS`, then a point and 1 to `fractionDigits` digits or nothing, then `Z` or `+00:00`, naming a
 * real day and time (an hour 25 would pass a pattern and fail the batch's cast).
 */
function isUsualUtcTime(bytes: Uint8Array, from: number, to: number, fractionDigits: number): boolean {
  if (to - from < 20 || bytes[from + 4] !== dash || bytes[from + 7] !== dash || bytes[from + 10] !== letterT)
    return false;
  if (bytes[from + 13] !== colon || bytes[from + 16] !== colon) return false;
  if (!digitsAt(bytes, from, from + 4)) return false;
  for (const at of [5, 8, 11, 14, 17]) if (!digitsAt(bytes, from + at, from + at + 2)) return false;
  let at = from + 19;
  if (bytes[at] === point) {
    const digits = at + 1;
    at = digits;
    while (at < to && at - digits <= fractionDigits && (bytes[at] as number) >= zero && (bytes[at] as number) <= nine)
      at++;
    if (at === digits || at - digits > fractionDigits) return false;
  }
  const zone = to - at === 1 ? bytes[at] === letterZ : to - at === 6 && isZeroOffset(bytes, at);
  if (!zone) return false;
  if (twoDigits(bytes, from + 11) > 23 || twoDigits(bytes, from + 14) > 59 || twoDigits(bytes, from + 17) > 59)
    return false;
  const year = twoDigits(bytes, from) * 100 + twoDigits(bytes, from + 2);
  return isRealDay(year, twoDigits(bytes, from + 5), twoDigits(bytes, from + 8));
}

function isZeroOffset(bytes: Uint8Array, at: number): boolean {
  return (
    bytes[at] === plus &&
    bytes[at + 1] === zero &&
    bytes[at + 2] === zero &&
    bytes[at + 3] === colon &&
    bytes[at + 4] === zero &&
    bytes[at + 5] === zero
  );
}
