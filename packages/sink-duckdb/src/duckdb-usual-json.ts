import { maxJsonDepth } from "@parley/core";

/**
 * The keys of the objects open inside one JSON value, to tell a key sent twice in its object (JavaScript keeps the
 * last, DuckDB's reader keeps the value as sent) without comparing every key with every other: each open object
 * keeps 32 bits of its keys' hashes, and only a key whose bit is set already is compared byte by byte.
 */
export class OpenObjects {
  #starts = new Int32Array(64);
  #ends = new Int32Array(64);
  #keys = 0;
  #first = new Int32Array(maxJsonDepth + 1);
  #hashes = new Int32Array(maxJsonDepth + 1);
  #depth = 0;

  reset(): void {
    this.#keys = 0;
    this.#depth = 0;
  }

  open(): void {
    if (this.#depth === this.#first.length) {
      this.#first = grown(this.#first);
      this.#hashes = grown(this.#hashes);
    }
    this.#first[this.#depth] = this.#keys;
    this.#hashes[this.#depth] = 0;
    this.#depth++;
  }

  close(): void {
    if (this.#depth === 0) return;
    this.#depth--;
    this.#keys = this.#first[this.#depth] as number;
  }

  /** Notes a key of the innermost open object (its string, quotes included, at `[start, end)`); false if sent twice. */
  add(bytes: Uint8Array, start: number, end: number): boolean {
    const top = this.#depth - 1;
    if (top < 0) return true;
    const length = end - start;
    const bit = 1 << ((length + (bytes[start + 1] as number) * 7 + (bytes[end - 2] as number) * 3) & 31);
    if (((this.#hashes[top] as number) & bit) !== 0)
      for (let key = this.#first[top] as number; key < this.#keys; key++) {
        const other = this.#starts[key] as number;
        if ((this.#ends[key] as number) - other !== length) continue;
        let offset = 1;
        while (offset < length - 1 && bytes[start + offset] === bytes[other + offset]) offset++;
        if (offset === length - 1) return false;
      }
    this.#hashes[top] = (this.#hashes[top] as number) | bit;
    if (this.#keys === this.#starts.length) {
      this.#starts = grown(this.#starts);
      this.#ends = grown(this.#ends);
    }
    this.#starts[this.#keys] = start;
    this.#ends[this.#keys] = end;
    this.#keys++;
    return true;
  }
}

function grown(array: Int32Array): Int32Array<ArrayBuffer> {
  const larger = new Int32Array(array.length * 2);
  larger.set(array);
  return larger;
}

/** A key of digits only (quotes at `start` and `end - 1`): JavaScript puts such keys first, in numeric order. */
export function isArrayIndexKey(bytes: Uint8Array, start: number, end: number): boolean {
  if (end - start <= 2) return false;
  for (let at = start + 1; at < end - 1; at++)
    if ((bytes[at] as number) < 48 || (bytes[at] as number) > 57) return false;
  return true;
}

/**
 * Where a number inside a JSON value ends, or -1 when DuckDB would keep it as written but JavaScript writes it
 * another way: an exponent (`1e2`: 100.0 and 100), a fraction of a whole value (`4.0`, `-0.0`), an integer past
 * 15 digits (JavaScript rounds past 2^53). Fractions of other values are written alike (shortest round trip).
 */
export function usualJsonNumberEnd(bytes: Uint8Array, start: number, limit: number): number {
  let at = start;
  let fraction = false;
  let digits = 0;
  // Whether a digit after the point is not zero.
  let fractional = false;
  while (at < limit) {
    const byte = bytes[at] as number;
    if (byte >= 48 && byte <= 57) {
      digits++;
      if (fraction && byte !== 48) fractional = true;
    } else if (byte === 46) fraction = true;
    else if (byte === 101 || byte === 69) return -1;
    else if (byte !== 45 || at !== start) break;
    at++;
  }
  if (!fraction) return digits <= 15 ? at : -1;
  if (!fractional) return -1;
  // With at most 15 digits the nearest double keeps a fraction that is not zero; past that, as JavaScript reads it.
  if (digits <= 15) return at;
  let text = "";
  for (let index = start; index < at; index++) text += String.fromCharCode(bytes[index] as number);
  return Number.isInteger(Number(text)) ? -1 : at;
}
