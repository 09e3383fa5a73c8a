import type { ColumnDefinition, ValidatedRow } from "@parley/core";
import { mergeKeyTexts } from "@parley/core/warehouse";
import { ByteChunks, ByteSet, grownInts } from "./duckdb-byte-strings.ts";

const [quote, letterS, letterN, zero, partEnd] = [34, 115, 110, 48, 0xff];

/**
 * A merge batch's keys: whether one repeats, compared as the warehouse compares them (`mergeKeyTexts`), and the
 * NDJSON lines of the keys to delete first. A usual record's key is written from its bytes, no value decoded:
 * per record, allocating a key object and its strings cost more than reading them. A key is noted part by part,
 * in primary key order, then `end()`.
 */
export class MergeKeys {
  /** A key noted twice (the batch must then rank its rows): noting stops there. */
  repeated = false;
  readonly #columns: readonly string[];
  readonly #texts: readonly ((value: unknown) => string)[];
  /** Before each part of a line: `{"name":` or `,"name":`. */
  readonly #linePrefixes: readonly Buffer[];
  readonly #lines = new ByteChunks();
  /** The key being noted, as the comparison reads it: each part's text, then a byte no UTF-8 text holds. */
  #keyWords = new Int32Array(64);
  #key = new Uint8Array(this.#keyWords.buffer);
  #keyLength = 0;
  readonly #seen = new ByteSet();

  constructor(primaryKey: readonly string[], columns: readonly ColumnDefinition[]) {
    this.#columns = primaryKey;
    this.#texts = mergeKeyTexts(primaryKey, columns);
    this.#linePrefixes = primaryKey.map((name, index) =>
      Buffer.from(`${index === 0 ? "{" : ","}${JSON.stringify(name)}:`),
    );
  }

  /** A text part, from a string sent without escapes (its quotes at `start` and `end - 1`): a string column's. */
  text(position: number, bytes: Uint8Array, start: number, end: number): void {
    this.#lines.add(this.#linePrefixes[position] as Buffer);
    this.#lines.copy(bytes, start, end);
    this.#keyByte(letterS);
    this.#keyBytes(bytes, start + 1, end - 1);
    this.#keyByte(partEnd);
  }

  /** A whole number part from its digits, quoted or not (leading zeros allowed): an integer column's. */
  digits(position: number, bytes: Uint8Array, start: number, end: number): void {
    const quoted = bytes[start] === quote ? 1 : 0;
    let from = start + quoted;
    const to = end - quoted;
    while (from < to - 1 && bytes[from] === zero) from++;
    this.#lines.add(this.#linePrefixes[position] as Buffer);
    this.#lines.copy(bytes, from, to);
    this.#keyByte(letterN);
    this.#keyBytes(bytes, from, to);
    this.#keyByte(partEnd);
  }

  /** A part as JavaScript gives it (a mapped row's, a context value, a value sent in a less usual form). */
  value(position: number, value: unknown): void {
    this.#lines.add(this.#linePrefixes[position] as Buffer);
    this.#lines.add(Buffer.from(valueJson(value)));
    const text = Buffer.from((this.#texts[position] as (value: unknown) => string)(value));
    this.#keyBytes(text, 0, text.length);
    this.#keyByte(partEnd);
  }

  /** A mapped row's key. */
  row(row: ValidatedRow): void {
    for (const [position, column] of this.#columns.entries()) this.value(position, row[column]);
    this.end();
  }

  /** Closes the key noted part by part. */
  end(): void {
    this.#lines.add(lineEnd);
    // The last word's unused bytes are zero, as the set compares whole words.
    for (let at = this.#keyLength; (at & 3) !== 0; at++) this.#key[at] = 0;
    if (!this.#seen.add(this.#keyWords, this.#keyLength)) this.repeated = true;
    this.#keyLength = 0;
  }

  #growKey(least: number): void {
    this.#keyWords = grownInts(this.#keyWords, (least + 3) >>> 2);
    this.#key = new Uint8Array(this.#keyWords.buffer);
  }

  /** The keys noted, one JSON object per line. */
  lines(): Buffer[] {
    return this.#lines.chunks();
  }

  #keyByte(byte: number): void {
    if (this.#keyLength + 4 > this.#key.length) this.#growKey(this.#keyLength + 4);
    this.#key[this.#keyLength++] = byte;
  }

  #keyBytes(bytes: Uint8Array, start: number, end: number): void {
    const length = end - start;
    if (this.#keyLength + length + 4 > this.#key.length) this.#growKey(this.#keyLength + length + 4);
    const key = this.#key;
    let at = this.#keyLength;
    for (let index = start; index < end; index++) key[at++] = bytes[index] as number;
    this.#keyLength = at;
  }
}

const lineEnd = Buffer.from("}\n");

/** A value as `rowJson` writes it: integers beyond 2^53 (bigint) as their decimal text, nothing as null. */
function valueJson(value: unknown): string {
  if (typeof value === "bigint") return `"${value}"`;
  return JSON.stringify(value) ?? "null";
}
