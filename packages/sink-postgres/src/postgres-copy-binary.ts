import type { ColumnDefinition, LogicalType, ValidatedRow } from "@parley/core";
import { jsonText } from "./postgres-copy.ts";

/**
 * COPY's BINARY format for rows of the stream's own column types: PostgreSQL skips parsing text, which is most of
 * what a COPY into a keyed table costs. It stores what the TEXT format stores; a value it cannot write exactly as
 * PostgreSQL would parse its text (an hour past 23, a day past the month's last, an integer beyond 64 bits,
 * anything not of its column's type) throws `NotBinaryEncodable`, and the caller copies the batch as TEXT instead.
 */
export class NotBinaryEncodable extends Error {}

const header = Buffer.from([...Buffer.from("PGCOPY\n\xff\r\n\0", "latin1"), 0, 0, 0, 0, 0, 0, 0, 0]);
const trailer = Buffer.from([0xff, 0xff]);
const chunkBytes = 1 << 20;

class Chunk {
  buffer = Buffer.allocUnsafe(chunkBytes + 4096);
  offset = 0;

  reserve(bytes: number): void {
    if (this.offset + bytes <= this.buffer.length) return;
    const larger = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.offset + bytes));
    this.buffer.copy(larger, 0, 0, this.offset);
    this.buffer = larger;
  }
}

type FieldWriter = (value: unknown, chunk: Chunk) => void;

function unsupported(value: unknown, type: string): never {
  throw new NotBinaryEncodable(`${typeof value} value for a ${type} column`);
}

/** Writes UTF-8 bytes; short ASCII text byte by byte in JavaScript, cheaper than a call into the runtime. */
function writeUtf8(text: string, buffer: Buffer, at: number): number {
  if (text.length > 32) return buffer.write(text, at, "utf8");
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code >= 0x80) return buffer.write(text, at, "utf8");
    buffer[at + index] = code;
  }
  return text.length;
}

/** A length-prefixed UTF-8 field, after `prefix` (jsonb's version byte) when given. */
function writeText(text: string, chunk: Chunk, prefix?: number): void {
  // PostgreSQL cannot store NUL in text or jsonb; U+FFFD, as the TEXT format writes it.
  const stored = text.includes("\0") ? text.replaceAll("\0", "\uFFFD") : text;
  const head = prefix === undefined ? 4 : 5;
  chunk.reserve(head + stored.length * 3);
  if (prefix !== undefined) chunk.buffer.writeUInt8(prefix, chunk.offset + 4);
  const length = writeUtf8(stored, chunk.buffer, chunk.offset + head);
  chunk.buffer.writeInt32BE(head - 4 + length, chunk.offset);
  chunk.offset += head + length;
}

function writeInt64(value: bigint | number, chunk: Chunk): void {
  chunk.reserve(12);
  chunk.buffer.writeInt32BE(8, chunk.offset);
  if (typeof value === "number" && Number.isSafeInteger(value)) {
    const high = Math.floor(value / 2 ** 32);
    chunk.buffer.writeInt32BE(high, chunk.offset + 4);
    chunk.buffer.writeUInt32BE(value - high * 2 ** 32, chunk.offset + 8);
  } else {
    const big = BigInt(value);
    if (big !== BigInt.asIntN(64, big)) unsupported(value, "bigint");
    chunk.buffer.writeBigInt64BE(big, chunk.offset + 4);
  }
  chunk.offset += 12;
}

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

function dateDays(text: string): number {
  const days = text.length === 10 ? daysAt(text) : Number.NaN;
  return Number.isNaN(days) ? unsupported(text, "date") : days;
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
 * Microseconds since 2000-01-01 UTC, as the ISO 8601 text the validator lets through means them
 * (`YYYY-MM-DD[T ]HH:MM[:SS[.fraction]]` and a zone). Parsed by hand: it runs for every timestamp.
 */
export function timestampMicros(text: string): bigint | number {
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
  if (!valid) unsupported(text, "timestamptz");
  const seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset;
  const total = seconds * 1_000_000 + micros;
  return Number.isSafeInteger(total) ? total : BigInt(seconds) * 1_000_000n + BigInt(micros);
}

function fixedWidth(bytes: number, write: (buffer: Buffer, offset: number) => void, chunk: Chunk): void {
  chunk.reserve(4 + bytes);
  chunk.buffer.writeInt32BE(bytes, chunk.offset);
  write(chunk.buffer, chunk.offset + 4);
  chunk.offset += 4 + bytes;
}

const fieldWriters: Record<LogicalType, FieldWriter> = {
  string: (value, chunk) => (typeof value === "string" ? writeText(value, chunk) : unsupported(value, "text")),
  integer: (value, chunk) =>
    typeof value === "bigint" || Number.isSafeInteger(value)
      ? writeInt64(value as bigint | number, chunk)
      : unsupported(value, "bigint"),
  // The TEXT format writes -0 as "0", which PostgreSQL stores as 0.
  float: (value, chunk) =>
    typeof value === "number" && Number.isFinite(value)
      ? fixedWidth(8, (buffer, at) => buffer.writeDoubleBE(value === 0 ? 0 : value, at), chunk)
      : unsupported(value, "double precision"),
  boolean: (value, chunk) =>
    typeof value === "boolean"
      ? fixedWidth(1, (buffer, at) => buffer.writeUInt8(value ? 1 : 0, at), chunk)
      : unsupported(value, "boolean"),
  timestamp: (value, chunk) =>
    typeof value === "string" ? writeInt64(timestampMicros(value), chunk) : unsupported(value, "timestamptz"),
  date: (value, chunk) => {
    const days = typeof value === "string" ? dateDays(value) : unsupported(value, "date");
    fixedWidth(4, (buffer, at) => buffer.writeInt32BE(days, at), chunk);
  },
  // jsonb's binary form: a version byte, then the JSON text.
  json: (value, chunk) => writeText(jsonText(value), chunk, 1),
};

/** The BINARY-format writer for a column list; `trailing` values (a batch's lineage) are encoded once. */
export function createBinaryRowsEncoder(
  columns: readonly ColumnDefinition[],
  trailing: readonly { readonly column: ColumnDefinition; readonly value: unknown }[] = [],
): (rows: readonly ValidatedRow[]) => Iterable<Buffer> {
  const names = columns.map((column) => column.name);
  const writers = columns.map((column) => fieldWriters[column.type]);
  const suffixChunk = new Chunk();
  for (const { column, value } of trailing) fieldWriters[column.type](value, suffixChunk);
  const suffix = Buffer.from(suffixChunk.buffer.subarray(0, suffixChunk.offset));
  const fieldCount = columns.length + trailing.length;
  return function* encode(rows) {
    let chunk = new Chunk();
    header.copy(chunk.buffer);
    chunk.offset = header.length;
    for (const row of rows) {
      chunk.reserve(2);
      chunk.buffer.writeInt16BE(fieldCount, chunk.offset);
      chunk.offset += 2;
      for (let index = 0; index < names.length; index++) {
        const value = row[names[index] as string];
        if (value === null || value === undefined) {
          chunk.reserve(4);
          chunk.buffer.writeInt32BE(-1, chunk.offset);
          chunk.offset += 4;
        } else (writers[index] as FieldWriter)(value, chunk);
      }
      chunk.reserve(suffix.length);
      chunk.offset += suffix.copy(chunk.buffer, chunk.offset);
      if (chunk.offset >= chunkBytes) {
        yield chunk.buffer.subarray(0, chunk.offset);
        chunk = new Chunk();
      }
    }
    chunk.reserve(trailer.length);
    chunk.offset += trailer.copy(chunk.buffer, chunk.offset);
    yield chunk.buffer.subarray(0, chunk.offset);
  };
}
