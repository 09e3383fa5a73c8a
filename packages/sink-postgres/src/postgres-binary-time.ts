// Dates and timestamps in COPY BINARY's form, computed exactly as PostgreSQL reads the same text.

/** Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's days_from_civil), as PostgreSQL counts them. */
function epochDays(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  return (
    era * 146_097 + yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear - 719_468
  );
}

const postgresEpochDays = epochDays(2000, 1, 1);
const zero = 48;

/** The number written by `count` ASCII digits at `at`, or -1 if any is not a digit (parsed by hand: it runs per value). */
function digitsAt(text: string, at: number, count: number): number {
  let value = 0;
  for (let index = at; index < at + count; index++) {
    const digit = text.charCodeAt(index) - zero;
    if (!(digit >= 0 && digit <= 9)) return -1;
    value = value * 10 + digit;
  }
  return value;
}

/** `rint` as PostgreSQL rounds a fraction of a second (`.` and 7-9 digits) to microseconds: ties to even. */
function roundedMicroseconds(fraction: string): number {
  const scaled = Number(`0${fraction}`) * 1_000_000;
  const floor = Math.floor(scaled);
  const rest = scaled - floor;
  return rest > 0.5 || (rest === 0.5 && floor % 2 === 1) ? floor + 1 : floor;
}

const daysInMonth = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Days since 2000-01-01 of the `YYYY-MM-DD` at the start of `text`, or NaN if that is no real day. */
function daysAt(text: string): number {
  if (text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45) return Number.NaN;
  const year = digitsAt(text, 0, 4);
  const month = digitsAt(text, 5, 2);
  const day = digitsAt(text, 8, 2);
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const lastDay = month === 2 && !leap ? 28 : (daysInMonth[month - 1] ?? 0);
  if (year < 1 || day < 1 || day > lastDay) return Number.NaN;
  return epochDays(year, month, day) - postgresEpochDays;
}

/** A `date` as COPY BINARY holds it (days since 2000-01-01), or undefined if the text is not `YYYY-MM-DD` of a real day. */
export function binaryDays(text: string): number | undefined {
  const days = text.length === 10 ? daysAt(text) : Number.NaN;
  return Number.isNaN(days) ? undefined : days;
}

/** Seconds east of UTC of a zone written from `at` to the end: `Z`, `+HH`, `+HHMM`, `+HH:MM`; NaN if none of those. */
function zoneOffset(text: string, at: number): number {
  const sign = text.charCodeAt(at);
  const rest = text.length - at;
  if (sign === 90 || sign === 122) return rest === 1 ? 0 : Number.NaN;
  if (sign !== 43 && sign !== 45) return Number.NaN;
  const hours = digitsAt(text, at + 1, 2);
  const minutes =
    rest === 3
      ? 0
      : rest === 5
        ? digitsAt(text, at + 3, 2)
        : rest === 6 && text.charCodeAt(at + 3) === 58
          ? digitsAt(text, at + 4, 2)
          : -1;
  if (hours < 0 || hours > 15 || minutes < 0 || minutes > 59) return Number.NaN;
  return (sign === 45 ? -1 : 1) * (hours * 3600 + minutes * 60);
}

/**
 * A `timestamptz` as COPY BINARY holds it (microseconds since 2000-01-01 UTC) from the ISO 8601 text the validator
 * lets through (`YYYY-MM-DD[T ]HH:MM[:SS[.fraction]]` and a zone), or undefined where PostgreSQL's own reading of
 * the text is not certainly this one (hour 24, second 60, year 0...). Parsed by hand: it runs for every timestamp.
 */
export function binaryTimestamp(text: string): bigint | number | undefined {
  const days = daysAt(text);
  const separator = text.charCodeAt(10);
  const hour = digitsAt(text, 11, 2);
  const minute = digitsAt(text, 14, 2);
  let second = 0;
  let micros = 0;
  let at = 16;
  if (text.charCodeAt(at) === 58) {
    second = digitsAt(text, 17, 2);
    at = 19;
    if (text.charCodeAt(at) === 46) {
      let end = at + 1;
      while (end < text.length && digitsAt(text, end, 1) >= 0) end++;
      const count = end - at - 1;
      micros =
        count === 0 || count > 9
          ? -1
          : count > 6
            ? roundedMicroseconds(text.slice(at, end))
            : digitsAt(text, at + 1, count) * 10 ** (6 - count);
      at = end;
    }
  }
  const offset = zoneOffset(text, at);
  const valid =
    !Number.isNaN(days) &&
    (separator === 84 || separator === 32) &&
    text.charCodeAt(13) === 58 &&
    hour >= 0 &&
    hour <= 23 &&
    minute >= 0 &&
    minute <= 59 &&
    second >= 0 &&
    second <= 59 &&
    micros >= 0 &&
    !Number.isNaN(offset);
  if (!valid) return undefined;
  const seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset;
  const total = seconds * 1_000_000 + micros;
  return Number.isSafeInteger(total) ? total : BigInt(seconds) * 1_000_000n + BigInt(micros);
}
