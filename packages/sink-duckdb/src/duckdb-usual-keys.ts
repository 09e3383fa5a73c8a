import { type FieldMapping, jsonBytes } from "@parley/core";
import type { RecordCursor } from "./duckdb-usual-cursor.ts";

const { quote, backslash } = jsonBytes;

type KeyTable = Map<number, { index: number; bytes: Buffer }[]>;

/**
 * The keys a scanner knows, found from their bytes without decoding them. A source sends its keys in one order
 * record after record, so the key that followed the previous one last time is tried first: one comparison of
 * bytes, instead of scanning the string and looking it up.
 */
export class KnownKeys {
  readonly #names: readonly Buffer[];
  /** Each name's bytes four at a time (little-endian, as `RecordCursor.word` reads them), its last 0-3 bytes left out. */
  readonly #nameWords: readonly Uint32Array[];
  /** Keys by their UTF-8 length. */
  readonly #byLength: KeyTable = new Map();
  /** The key last seen after each key (after the record's start at 0, after key `i` at `i + 1`); -1: none yet. */
  readonly #following: Int32Array;

  constructor(names: readonly string[]) {
    this.#names = names.map((name) => Buffer.from(name));
    this.#nameWords = this.#names.map((name) =>
      Uint32Array.from({ length: name.length >>> 2 }, (_, word) => name.readUInt32LE(word * 4)),
    );
    for (const [index, bytes] of this.#names.entries())
      this.#byLength.set(bytes.length, [...(this.#byLength.get(bytes.length) ?? []), { index, bytes }]);
    this.#following = new Int32Array(names.length + 1).fill(-1);
  }

  /**
   * From a key's opening quote at `at`, the index of the key (-1: unknown, escaped or not closed) that follows key
   * `previous` (-1: the first of its object); the cursor's `end` is then just past the closing quote.
   */
  find(cursor: RecordCursor, at: number, previous: number): number {
    const bytes = cursor.bytes;
    const guess = this.#following[previous + 1] as number;
    if (guess !== -1) {
      const name = this.#names[guess] as Buffer;
      const from = at + 1;
      const closing = from + name.length;
      if (closing < cursor.limit && bytes[closing] === quote) {
        const words = this.#nameWords[guess] as Uint32Array;
        let word = 0;
        while (word < words.length && words[word] === cursor.word(from + word * 4)) word++;
        let offset = word === words.length ? word * 4 : name.length + 1;
        while (offset < name.length && name[offset] === bytes[from + offset]) offset++;
        if (offset === name.length) {
          cursor.end = closing + 1;
          return guess;
        }
      }
    }
    const keyEnd = cursor.string(at);
    if (keyEnd === -1 || cursor.escaped) return -1;
    const index = this.#lookup(bytes, at + 1, keyEnd - 1);
    // A name holding a quote or a backslash is never sent as its bytes (JSON escapes them): never guessed.
    if (index !== -1 && !(this.#names[index] as Buffer).some((byte) => byte === quote || byte === backslash))
      this.#following[previous + 1] = index;
    return index;
  }

  #lookup(bytes: Uint8Array, from: number, to: number): number {
    const candidates = this.#byLength.get(to - from);
    if (candidates === undefined) return -1;
    outer: for (const candidate of candidates) {
      for (let offset = 0; offset < to - from; offset++)
        if (candidate.bytes[offset] !== bytes[from + offset]) continue outer;
      return candidate.index;
    }
    return -1;
  }
}

/** The keys of a nested object (one a field lies within, or an object list's item) and how each is read. */
export interface Members {
  readonly keys: KnownKeys;
  readonly readings: readonly FieldMapping["reading"][];
}

export function memberTable(members: readonly { key: string; reading: FieldMapping["reading"] }[]): Members {
  if (members.length > 31) throw new Error("the usual-form scanner reads nested objects of at most 31 keys");
  return {
    keys: new KnownKeys(members.map((member) => member.key)),
    readings: members.map((member) => member.reading),
  };
}

/** A value the scanner reads member by member: an object of known keys, a list of such objects, a list of ids. */
export type Nested =
  | { readonly kind: "object"; readonly members: Members }
  | { readonly kind: "objects"; readonly members: Members }
  | { readonly kind: "ids" };
