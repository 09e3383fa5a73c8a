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

// The readings below treat `""` like an absent value everywhere, as Voicegain's exports do (vendor-apis §2.8).
const blank = (value: unknown): boolean => value === undefined || value === null || value === "";

/** Text; `""` is null; a number or boolean is its text. */
export function toTextOrNull(value: unknown): Reading<string> {
  if (blank(value)) return null;
  if (typeof value === "string") return value;
  return typeof value === "number" || typeof value === "boolean" ? String(value) : invalid;
}

const numberPattern = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** A finite number, also as its text (`" 87.5"`, `"1e3"`). */
export function toNumber(value: unknown): Reading<number> {
  if (blank(value)) return null;
  const number =
    typeof value === "number"
      ? value
      : typeof value === "string" && numberPattern.test(value.trim())
        ? Number(value)
        : Number.NaN;
  return Number.isFinite(number) ? number : invalid;
}

/** A number that is a safe integer (`"7.0"` is 7). */
export function toWholeNumber(value: unknown): Reading<number> {
  const number = toNumber(value);
  return number === null || number === invalid || Number.isSafeInteger(number) ? number : invalid;
}

/** A non-negative id of up to 15 digits, sent as a number or as its digits (`"14603"`). */
export function toNumericId(value: unknown): Reading<number> {
  if (blank(value)) return null;
  if (typeof value === "number") return Number.isSafeInteger(value) && value >= 0 ? value : invalid;
  if (typeof value === "string" && /^\d{1,15}$/.test(value.trim())) return Number(value.trim());
  return invalid;
}

/** true/false, also as text in any case (`" TRUE"`). */
export function toTrueOrFalse(value: unknown): Reading<boolean> {
  if (blank(value)) return null;
  if (typeof value === "boolean") return value;
  if (typeof value === "string" && /^(true|false)$/i.test(value.trim())) return value.trim().toLowerCase() === "true";
  return invalid;
}

const rfc3339Pattern = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?([Zz]|[+-]\d{2}:?\d{2})?$/;

/** An RFC 3339 date-time, as ISO text in UTC (milliseconds); one without an offset is read as UTC. */
export function toUtcTime(value: unknown): Reading<string> {
  if (blank(value)) return null;
  const match = typeof value === "string" ? rfc3339Pattern.exec(value) : null;
  const epoch = match === null ? Number.NaN : Date.parse(match[1] === undefined ? `${value}Z` : (value as string));
  return Number.isNaN(epoch) ? invalid : new Date(epoch).toISOString();
}
