/** The JavaScript side of the value readings in `record-mapping.ts`: each returns the value to store, or `invalid`. */
export const invalid: unique symbol = Symbol("invalid");
export type Reading<T> = T | null | typeof invalid;

/** Counts often arrive as strings (`"7"`); `""` and null mean unknown; `"7.0"` is 7. */
export function toCount(value: unknown): Reading<number> {
  if (typeof value === "string") {
    const length = value.length;
    if (length === 0) return null;
    if (length < 16) {
      let number = 0;
      let index = 0;
      for (; index < length; index++) {
        const code = value.charCodeAt(index) - 48;
        if (code < 0 || code > 9) break;
        number = number * 10 + code;
      }
      if (index === length) return number;
    }
    const trimmed = value.trim();
    if (trimmed === "") return null;
    const number = Number(trimmed);
    return /^[+-]?\d+(\.0*)?$/.test(trimmed) && Number.isSafeInteger(number) ? number : invalid;
  }
  if (typeof value === "number") return Number.isSafeInteger(value) ? value : invalid;
  return value === null || value === undefined ? null : invalid;
}

const isoWithZone = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}(:?\d{2})?)$/i;
const isoNaive = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?$/;

/**
 * The usual form, UTC written `2024-05-03T08:10:01.211+00:00` (or `Z`), is kept as sent.
 * A time without an offset is read as UTC (the docs say so), other offsets are converted, and epoch
 * seconds or milliseconds become ISO text.
 */
export function toTimestamp(value: unknown): Reading<string> {
  if (typeof value === "string") {
    const length = value.length;
    if (length === 0) return null;
    if (length >= 20 && value.charCodeAt(10) === 84 && (value.endsWith("+00:00") || value.endsWith("Z"))) return value;
    if (isoNaive.test(value)) return fromMilliseconds(Date.parse(`${value.replace(" ", "T")}Z`));
    if (isoWithZone.test(value)) return fromMilliseconds(Date.parse(value.replace(" ", "T")));
    const trimmed = value.trim();
    return /^\d{9,13}(\.\d+)?$/.test(trimmed) ? toTimestamp(Number(trimmed)) : invalid;
  }
  if (typeof value === "number" && Number.isFinite(value) && value > 0) {
    return fromMilliseconds(value < 1e11 ? value * 1000 : value);
  }
  return value === null || value === undefined ? null : invalid;
}

function fromMilliseconds(milliseconds: number): Reading<string> {
  return Number.isNaN(milliseconds) ? invalid : new Date(milliseconds).toISOString();
}

export function toBoolean(value: unknown): Reading<boolean> {
  if (typeof value === "boolean") return value;
  if (value === null || value === undefined || value === "") return null;
  if (value === "true" || value === "TRUE" || value === "True") return true;
  if (value === "false" || value === "FALSE" || value === "False") return false;
  return invalid;
}

export function toText(value: unknown): Reading<string> {
  if (typeof value === "string") return value;
  if (value === null || value === undefined) return null;
  return typeof value === "number" || typeof value === "boolean" ? String(value) : invalid;
}

/**
 * Nested values documented as strings holding JSON arrive as JSON values too: parse text that looks like
 * JSON, keep everything else as sent, so nothing is lost.
 */
export function toJson(value: unknown): unknown {
  if (typeof value !== "string") return value ?? null;
  if (value === "") return null;
  const first = value.charCodeAt(0);
  if (first !== 123 && first !== 91) return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}
