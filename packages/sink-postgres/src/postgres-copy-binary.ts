import type { ColumnDefinition, LogicalType, ValidatedRow } from "@parley/core";
import { binaryDays, binaryTimestamp } from "./postgres-binary-time.ts";
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
    writeInt64(
      (typeof value === "string" ? binaryTimestamp(value) : undefined) ?? unsupported(value, "timestamptz"),
      chunk,
    ),
  date: (value, chunk) => {
    const days = (typeof value === "string" ? binaryDays(value) : undefined) ?? unsupported(value, "date");
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
