import { type FieldMapping, type JsonShape, jsonBytes } from "@parley/core";
import { isArrayIndexKey, OpenObjects, usualJsonNumberEnd } from "./duckdb-usual-json.ts";
import type { Members, Nested } from "./duckdb-usual-keys.ts";
import { kinds, unusual, usualKind } from "./duckdb-usual-values.ts";

const { quote, backslash, comma, colon, openBrace, closeBrace, openBracket, closeBracket } = jsonBytes;

/** A cursor over one record's bytes: skips blanks, strings and nested values, noting what it saw. */
export class RecordCursor {
  /** The buffer whose records are scanned (`use`). */
  bytes: Uint8Array = new Uint8Array(0);
  /** The same bytes, read four at a time at any offset. */
  #words = new DataView(this.bytes.buffer);
  /** The end of the record being scanned. */
  limit = 0;
  /** Just past the last value or string scanned. */
  end = 0;
  /** The last string scanned held a backslash escape. */
  escaped = false;
  /** The first backslash at or after `#slashFrom` (-1: none until the end of the buffer). */
  #slash = -1;
  #slashFrom = Number.POSITIVE_INFINITY;
  /** Inside a JSON value: the open objects' keys. */
  readonly #objects = new OpenObjects();

  /** Scans the records of `bytes` from now on (a cursor serves buffer after buffer: a batch has thousands). */
  use(bytes: Uint8Array): void {
    this.bytes = bytes;
    this.#words = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.#slash = -1;
    this.#slashFrom = Number.POSITIVE_INFINITY;
  }

  /** The four bytes at `at` as a little-endian number (`at + 4` within the buffer). */
  word(at: number): number {
    return this.#words.getUint32(at, true);
  }

  /** The first backslash at or after `from`, searching the buffer again only once past the one found before. */
  #backslash(from: number): number {
    if (from < this.#slashFrom || (this.#slash !== -1 && from > this.#slash)) {
      this.#slash = this.bytes.indexOf(backslash, from);
      this.#slashFrom = from;
    }
    return this.#slash;
  }

  space(at: number): number {
    const bytes = this.bytes;
    let index = at;
    while (index < this.limit) {
      const byte = bytes[index] as number;
      if (byte !== 32 && byte !== 10 && byte !== 13 && byte !== 9) break;
      index++;
    }
    return index;
  }

  /** From an opening quote: the index just past the closing one (-1 if none), noting escapes that need repair. */
  string(at: number): number {
    const bytes = this.bytes;
    this.escaped = false;
    // Four bytes at a time while none is a quote or a backslash: most strings hold no escape.
    const words = this.#words;
    const limit = this.limit;
    let index = at + 1;
    while (index < limit) {
      if (index + 4 <= limit) {
        const value = words.getUint32(index, true);
        const quotes = value ^ 0x22222222;
        const backslashes = value ^ 0x5c5c5c5c;
        // Zero when no byte of the word is `"` or `\`. The same test as core's array scanner (`stringEnd`), written out
        // in both: as a shared function it cost this loop 6-8% (a 300 MB day's scan 314-331 -> 338-354 CPU-ms).
        if (((((quotes - 0x01010101) & ~quotes) | ((backslashes - 0x01010101) & ~backslashes)) & 0x80808080) === 0) {
          index += 4;
          continue;
        }
      }
      const byte = bytes[index];
      if (byte === quote) {
        this.end = index + 1;
        return this.end;
      }
      if (byte === backslash) break;
      index++;
    }
    if (index >= limit) return -1;
    let from = at + 1;
    for (;;) {
      const closing = bytes.indexOf(quote, from);
      if (closing === -1 || closing >= this.limit) return -1;
      const slash = this.#backslash(from);
      if (slash === -1 || slash > closing) {
        this.end = closing + 1;
        return this.end;
      }
      this.escaped = true;
      // An escape: a repaired one (NUL, half a surrogate pair) makes the record unusual; others are skipped.
      if (bytes[slash + 1] === 117 && needsRepair(bytes, slash + 2)) return -1;
      from = slash + 2;
    }
  }

  /** The kind of the value starting at `at`; `end` is then just past it. Nested values: shape and depth checked. */
  value(at: number, shape: JsonShape | undefined, depthLimit: number): number {
    const bytes = this.bytes;
    const first = bytes[at];
    if (first === quote) {
      if (this.string(at) === -1) return unusual;
      return this.end - at === 2 ? kinds.emptyString : kinds.string;
    }
    if (first === openBrace || first === openBracket) return this.#nested(at, shape, depthLimit);
    this.escaped = false;
    const literal = first === 116 ? "true" : first === 102 ? "false" : first === 110 ? "null" : undefined;
    if (literal !== undefined) {
      for (let offset = 1; offset < literal.length; offset++)
        if (bytes[at + offset] !== literal.charCodeAt(offset)) return unusual;
      this.end = at + literal.length;
      return first === 110 ? kinds.null : kinds.literal;
    }
    let index = at;
    while (index < this.limit) {
      const byte = bytes[index] as number;
      if (byte === comma || byte === closeBrace || byte === closeBracket || byte === 32 || byte === 10 || byte === 13)
        break;
      index++;
    }
    this.end = index;
    return index === at ? unusual : kinds.number;
  }

  /** Whether the value at `at`, of the kind `value` or `nested` just gave, is usual for `reading`. */
  usual(kind: number, reading: FieldMapping["reading"], at: number): boolean {
    return usualKind(reading, this.bytes, kind, at, this.end, this.escaped);
  }

  /**
   * A value read member by member: null, or an object of known keys (each once, each value usual for its reading),
   * or a list of such objects, or a list of ids. Unknown or escaped keys are unusual.
   */
  nested(at: number, nested: Nested): number {
    const bytes = this.bytes;
    if (bytes[at] === 110) return this.value(at, undefined, 1) === kinds.null ? kinds.null : unusual;
    if (nested.kind === "object") return this.#members(at, nested.members) ? kinds.object : unusual;
    if (bytes[at] !== openBracket) return unusual;
    let index = this.space(at + 1);
    if (bytes[index] === closeBracket) {
      this.end = index + 1;
      return kinds.list;
    }
    for (;;) {
      if (nested.kind === "objects") {
        if (!this.#members(index, nested.members)) return unusual;
      } else {
        const kind = this.value(index, undefined, 1);
        if (kind === unusual || !this.usual(kind, "numeric id", index)) return unusual;
      }
      index = this.space(this.end);
      if (bytes[index] === closeBracket) {
        this.end = index + 1;
        return kinds.list;
      }
      if (bytes[index] !== comma) return unusual;
      index = this.space(index + 1);
    }
  }

  #members(at: number, members: Members): boolean {
    const bytes = this.bytes;
    if (bytes[at] !== openBrace) return false;
    // Which keys were seen, one bit each (`memberTable` allows at most 31 keys).
    let seen = 0;
    let index = this.space(at + 1);
    if (bytes[index] === closeBrace) {
      this.end = index + 1;
      return true;
    }
    let member = -1;
    for (;;) {
      if (bytes[index] !== quote) return false;
      member = members.keys.find(this, index, member);
      if (member === -1 || (seen & (1 << member)) !== 0) return false;
      seen |= 1 << member;
      index = this.space(this.end);
      if (bytes[index] !== colon) return false;
      index = this.space(index + 1);
      const kind = this.value(index, undefined, 1);
      if (kind === unusual || !this.usual(kind, members.readings[member] as FieldMapping["reading"], index))
        return false;
      index = this.space(this.end);
      if (bytes[index] === closeBrace) {
        this.end = index + 1;
        return true;
      }
      if (bytes[index] !== comma) return false;
      index = this.space(index + 1);
    }
  }

  #nested(at: number, shape: JsonShape | undefined, depthLimit: number): number {
    const bytes = this.bytes;
    const list = bytes[at] === openBracket;
    if (shape === "object" && list) return unusual;
    if ((shape === "list" || shape === "list of objects" || shape === "list of strings") && !list) return unusual;
    const elementStart = shape === "list of objects" ? openBrace : shape === "list of strings" ? quote : -1;
    const limit = this.limit;
    const objects = this.#objects;
    objects.reset();
    let depth = 0;
    let index = at;
    while (index < limit) {
      const byte = bytes[index] as number;
      // Most bytes of a nested value are none of these: one look-up each.
      if (structure[byte] === 0) {
        index++;
        continue;
      }
      if (byte === quote) {
        if (this.string(index) === -1) return unusual;
        const keyEnd = this.end;
        const next = bytes[keyEnd] as number;
        const key = next === colon || (blank[next] === 1 && bytes[this.space(keyEnd)] === colon);
        // JavaScript writes such a value again: it keeps a key's last value and puts array-index keys first.
        if (key && (this.escaped || isArrayIndexKey(bytes, index, keyEnd) || !objects.add(bytes, index, keyEnd)))
          return unusual;
        // A colon, or a comma inside an inner list or object, changes nothing: stepped over at once.
        index = next === colon || (next === comma && depth > 1) ? keyEnd + 1 : keyEnd;
        continue;
      }
      if (structure[byte] === number) {
        index = usualJsonNumberEnd(bytes, index, limit);
        if (index === -1) return unusual;
        continue;
      }
      index++;
      if (byte === openBrace || byte === openBracket) {
        if (++depth >= depthLimit) return unusual;
        if (byte === openBrace) objects.open();
        if (depth === 1 && elementStart !== -1 && !this.#startsElement(index, elementStart, at)) return unusual;
      } else if (byte === comma) {
        if (depth === 1 && elementStart !== -1 && !this.#startsElement(index, elementStart, at)) return unusual;
      } else {
        if (byte === closeBrace) objects.close();
        if (--depth === 0) {
          this.end = index;
          this.escaped = false;
          return list ? kinds.list : kinds.object;
        }
      }
    }
    return unusual;
  }

  /** Whether an element of the outer list (at `listStart`) that begins at `at` (after blanks) begins as it must. */
  #startsElement(at: number, elementStart: number, listStart: number): boolean {
    const byte = this.bytes[this.space(at)];
    return byte === elementStart || (byte === closeBracket && this.bytes[this.space(listStart + 1)] === closeBracket);
  }
}

/** 1 for the bytes a nested value's structure is made of (quotes, brackets, braces, commas), `number` for a number's first. */
const structure = new Uint8Array(256);
const number = 2;
for (const byte of [quote, comma, openBrace, closeBrace, openBracket, closeBracket]) structure[byte] = 1;
for (const byte of "-0123456789") structure[byte.charCodeAt(0)] = number;
const blank = new Uint8Array(256);
for (const byte of [32, 10, 13, 9]) blank[byte] = 1;

/** `\uXXXX` that the JavaScript side repairs or refuses: NUL, or either half of a surrogate pair. */
function needsRepair(bytes: Uint8Array, at: number): boolean {
  const hex = String.fromCharCode(bytes[at] ?? 0, bytes[at + 1] ?? 0, bytes[at + 2] ?? 0, bytes[at + 3] ?? 0);
  return hex === "0000" || /^[dD][89a-fA-F]/.test(hex);
}
