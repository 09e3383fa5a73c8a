import {
  type ColumnDefinition,
  type FieldMapping,
  isRealDate,
  type JsonShape,
  jsonBytes,
  maxJsonDepth,
  type RecordMapping,
} from "@parley/core";

/**
 * Whether DuckDB's typed JSON reader, with the SQL `duckdb-mapping-sql.ts` generates from the same mapping, stores
 * exactly the row the JavaScript mapper and validator would store for a record: true for the forms vendors send
 * nearly always (known keys spelled exactly, each once; strings, booleans, objects and lists where the readings
 * expect them; counts and timestamps in their usual spelling; no escape JavaScript repairs; nesting well within
 * the validator's limit). Every other record goes through the JavaScript mapper, which knows every case and writes
 * every reject reason. It reads the record's bytes, never decoding or parsing it in JavaScript (on the bulk path
 * that cost more than DuckDB's own reading), and does not validate JSON syntax inside nested values nor UTF-8:
 * DuckDB's reader does, and a record it refuses sends the batch the sure way. For a usual record it gives the
 * primary key (column -> value as the JavaScript mapper gives it); otherwise undefined.
 */
export function createUsualFormScanner(
  mapping: RecordMapping,
  columns: readonly ColumnDefinition[],
  primaryKey: readonly string[],
): (
  bytes: Uint8Array,
  start: number,
  end: number,
  context: Readonly<Record<string, string | null>>,
) => Record<string, unknown> | undefined {
  // Fields inside an object the record holds (`agent.agentId`) are looked up in that object's own table.
  const topFields = mapping.fields.filter((field) => field.within === undefined);
  const containers = new Map<string, FieldMapping[]>();
  for (const field of mapping.fields)
    if (field.within !== undefined) containers.set(field.within, [...(containers.get(field.within) ?? []), field]);
  const names = [...new Set(topFields.flatMap((field) => field.from)), ...containers.keys()];
  const byLength = keyTable(names);
  const shapeOf = new Map(columns.map((column) => [column.name, column.shape]));
  const fields = topFields.map((field) => ({
    names: field.from.map((name) => names.indexOf(name)),
    required: primaryKey.includes(field.column),
  }));
  const fieldOf = names.map((_, index) => fields.findIndex((field) => field.names.includes(index)));
  const readingOf = names.map((_, index) => topFields[fieldOf[index] as number]?.reading as FieldMapping["reading"]);
  const shapeOfName = names.map((_, index) => {
    const field = topFields[fieldOf[index] as number];
    return field?.reading === "text list" ? "list of strings" : shapeOf.get(field?.column as string);
  });
  const nestedOf = names.map((name, index): Nested | undefined => {
    const inside = containers.get(name);
    if (inside !== undefined)
      return {
        kind: "object",
        members: memberTable(inside.map((field) => ({ key: field.from[0] as string, reading: field.reading }))),
      };
    const field = topFields[fieldOf[index] as number];
    if (field?.reading === "object list") return { kind: "objects", members: memberTable(field.itemKeys ?? []) };
    if (field?.reading === "numeric id list") return { kind: "ids" };
    return undefined;
  });
  const keyFields = primaryKey.map((column) => fields[topFields.findIndex((field) => field.column === column)]);
  const sent = new Int32Array(names.length);
  const valueStart = new Int32Array(names.length);
  const valueEnd = new Int32Array(names.length);
  const depthLimit = maxJsonDepth - 10;

  // One cursor per buffer: records of a buffer are scanned in order, so where the next backslash lies carries over.
  let scan = new Scan(Buffer.alloc(0));
  return (bytes, start, end, context) => {
    sent.fill(-1);
    if (scan.bytes !== bytes) scan = new Scan(bytes);
    scan.limit = end;
    let at = scan.space(start);
    if (bytes[at] !== openBrace) return undefined;
    at = scan.space(at + 1);
    if (bytes[at] === closeBrace) at = scan.space(at + 1);
    else
      for (;;) {
        if (bytes[at] !== quote) return undefined;
        const keyEnd = scan.string(at);
        if (keyEnd === -1 || scan.escaped) return undefined;
        const index = lookup(byLength, bytes, at + 1, keyEnd - 1);
        if (index === -1 || sent[index] !== -1) return undefined;
        at = scan.space(keyEnd);
        if (bytes[at] !== colon) return undefined;
        at = scan.space(at + 1);
        const nested = nestedOf[index];
        const kind = nested === undefined ? scan.value(at, shapeOfName[index], depthLimit) : scan.nested(at, nested);
        if (kind === unusual) return undefined;
        if (nested === undefined && !usualKind(kind, readingOf[index] as FieldMapping["reading"], bytes, at, scan))
          return undefined;
        sent[index] = kind;
        valueStart[index] = at;
        valueEnd[index] = scan.end;
        at = scan.space(scan.end);
        if (bytes[at] === comma) {
          at = scan.space(at + 1);
          continue;
        }
        if (bytes[at] !== closeBrace) return undefined;
        at = scan.space(at + 1);
        break;
      }
    if (at !== end) return undefined;
    for (const field of fields) {
      let count = 0;
      let present = -1;
      for (const index of field.names)
        if (sent[index] !== -1) {
          count += 1;
          present = index;
        }
      if (count > 1) return undefined;
      const kind = present === -1 ? -1 : (sent[present] as number);
      if (kind === kinds.null && field.names.length > 1) return undefined;
      if (field.required && (kind === -1 || kind === kinds.null || kind === kinds.emptyString)) return undefined;
    }
    const key: Record<string, unknown> = {};
    for (const [position, field] of keyFields.entries()) {
      const column = primaryKey[position] as string;
      // A key column no field fills is a context column.
      const present = field?.names.find((index) => sent[index] !== -1);
      key[column] =
        present === undefined
          ? (context[column] ?? null)
          : keyValue(bytes, present, sent, valueStart, valueEnd, readingOf);
    }
    return key;
  };
}

const { quote, backslash, comma, colon, openBrace, closeBrace, openBracket, closeBracket } = jsonBytes;
const unusual = -2;
const kinds = { null: 0, literal: 1, string: 2, emptyString: 3, object: 4, list: 5, number: 6 } as const;

type KeyTable = Map<number, { index: number; bytes: Buffer }[]>;

/** Keys by their UTF-8 length, for finding a key's index from its bytes without decoding it. */
function keyTable(names: readonly string[]): KeyTable {
  const byLength: KeyTable = new Map();
  for (const [index, name] of names.entries()) {
    const bytes = Buffer.from(name);
    byLength.set(bytes.length, [...(byLength.get(bytes.length) ?? []), { index, bytes }]);
  }
  return byLength;
}

/** The keys of a nested object (one a field lies within, or an object list's item) and how each is read. */
interface Members {
  readonly keys: KeyTable;
  readonly readings: readonly FieldMapping["reading"][];
}

function memberTable(members: readonly { key: string; reading: FieldMapping["reading"] }[]): Members {
  if (members.length > 31) throw new Error("the usual-form scanner reads nested objects of at most 31 keys");
  return { keys: keyTable(members.map((member) => member.key)), readings: members.map((member) => member.reading) };
}

/** A value the scanner reads member by member: an object of known keys, a list of such objects, a list of ids. */
type Nested =
  | { readonly kind: "object"; readonly members: Members }
  | { readonly kind: "objects"; readonly members: Members }
  | { readonly kind: "ids" };

function lookup(byLength: KeyTable, bytes: Uint8Array, from: number, to: number) {
  const candidates = byLength.get(to - from);
  if (candidates === undefined) return -1;
  outer: for (const candidate of candidates) {
    for (let offset = 0; offset < to - from; offset++)
      if (candidate.bytes[offset] !== bytes[from + offset]) continue outer;
    return candidate.index;
  }
  return -1;
}

const countPattern = /^[0-9]{1,15}$/;
const timestampPattern = /^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,6})?(\+00:00|Z)$/;
/** The string's content as ASCII text, for the short readings (counts, timestamps, booleans); undefined if escaped. */
function plain(bytes: Uint8Array, at: number, scan: Scan): string | undefined {
  if (scan.escaped) return undefined;
  return Buffer.from(bytes.buffer, bytes.byteOffset + at + 1, scan.end - at - 2).toString("latin1");
}

/**
 * The usual forms of the exact-key readings, checked on the bytes (no text made): whole numbers of at most 15 digits
 * without a leading zero (`-` only where allowed), numbers with at most 15 digits after the point (no exponent), and
 * UTC times as `YYYY-MM-DDTHH:MM:SS`, at most milliseconds, then `Z` or `+00:00` (JavaScript reads them to the
 * millisecond, so DuckDB's microseconds cannot differ), naming a real day and time.
 */
function digitsAt(bytes: Uint8Array, from: number, to: number): boolean {
  for (let at = from; at < to; at++) {
    const byte = bytes[at] as number;
    if (byte < 48 || byte > 57) return false;
  }
  return true;
}

/** Where the whole digits starting at `from` end (at most 15, no leading zero), or -1. */
function wholeDigitsEnd(bytes: Uint8Array, from: number, to: number): number {
  let at = from;
  while (at < to && at - from < 16 && (bytes[at] as number) >= 48 && (bytes[at] as number) <= 57) at++;
  const count = at - from;
  return count === 0 || count > 15 || (count > 1 && bytes[from] === 48) ? -1 : at;
}

function isWholeNumber(bytes: Uint8Array, from: number, to: number, signed: boolean): boolean {
  const start = signed && bytes[from] === 45 ? from + 1 : from;
  return wholeDigitsEnd(bytes, start, to) === to;
}

function isPlainNumber(bytes: Uint8Array, from: number, to: number): boolean {
  const whole = wholeDigitsEnd(bytes, bytes[from] === 45 ? from + 1 : from, to);
  if (whole === -1 || whole === to) return whole === to;
  return bytes[whole] === 46 && to - whole >= 2 && to - whole <= 16 && digitsAt(bytes, whole + 1, to);
}

const twoDigits = (bytes: Uint8Array, at: number): number =>
  ((bytes[at] as number) - 48) * 10 + ((bytes[at + 1] as number) - 48);

function isUsualUtcTime(bytes: Uint8Array, from: number, to: number): boolean {
  if (to - from < 20 || bytes[from + 4] !== 45 || bytes[from + 7] !== 45 || bytes[from + 10] !== 84) return false;
  if (bytes[from + 13] !== colon || bytes[from + 16] !== colon) return false;
  for (const at of [0, 2, 5, 8, 11, 14, 17]) if (!digitsAt(bytes, from + at, from + at + 2)) return false;
  let at = from + 19;
  if (bytes[at] === 46) {
    const digits = at + 1;
    while (at + 1 < to && at - digits < 3 && (bytes[at + 1] as number) >= 48 && (bytes[at + 1] as number) <= 57) at++;
    if (at === digits - 1 || at - digits >= 3) return false;
    at++;
  }
  const zone = to - at === 1 ? bytes[at] === 90 : to - at === 6 && zeroOffset(bytes, at);
  if (!zone) return false;
  const year = twoDigits(bytes, from) * 100 + twoDigits(bytes, from + 2);
  const month = twoDigits(bytes, from + 5);
  const day = twoDigits(bytes, from + 8);
  if (twoDigits(bytes, from + 11) > 23 || twoDigits(bytes, from + 14) > 59 || twoDigits(bytes, from + 17) > 59)
    return false;
  if (month < 1 || month > 12 || day < 1) return false;
  if (month === 2 && day === 29) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return day <= (daysInMonth[month - 1] as number);
}

const daysInMonth = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function zeroOffset(bytes: Uint8Array, at: number): boolean {
  return (
    bytes[at] === 43 &&
    bytes[at + 1] === 48 &&
    bytes[at + 2] === 48 &&
    bytes[at + 3] === colon &&
    bytes[at + 4] === 48 &&
    bytes[at + 5] === 48
  );
}

/** A usual key value as the JavaScript mapper gives it (a count as a number, a boolean as one), for comparing keys. */
function keyValue(
  bytes: Uint8Array,
  index: number,
  sent: Int32Array,
  valueStart: Int32Array,
  valueEnd: Int32Array,
  readingOf: readonly FieldMapping["reading"][],
): unknown {
  const start = valueStart[index] as number;
  if (readingOf[index] === "numeric id") {
    // A usual id is at most 15 digits, bare or quoted: read from the bytes.
    const quoted = bytes[start] === quote ? 1 : 0;
    let number = 0;
    for (let at = start + quoted; at < (valueEnd[index] as number) - quoted; at++)
      number = number * 10 + ((bytes[at] as number) - 48);
    return number;
  }
  const text = Buffer.from(bytes.buffer, bytes.byteOffset + start, (valueEnd[index] as number) - start).toString(
    "utf8",
  );
  // Key values are never null or empty here: the scanner calls such a record unusual.
  const value: unknown = sent[index] === kinds.literal ? text : JSON.parse(text);
  switch (readingOf[index]) {
    case "count":
    case "whole number":
    case "number":
      return Number(value);
    case "boolean":
    case "true or false":
      return value === "true" || value === true;
    default:
      return value;
  }
}

/** Whether a value of this kind, for this reading, is stored by SQL exactly as by JavaScript. */
function usualKind(kind: number, reading: FieldMapping["reading"], bytes: Uint8Array, at: number, scan: Scan): boolean {
  if (kind === kinds.null) return true;
  switch (reading) {
    case "text":
      return kind === kinds.string || kind === kinds.emptyString || (kind === kinds.literal && bytes[at] !== 110);
    case "count": {
      if (kind === kinds.emptyString) return true;
      const text = kind === kinds.string ? plain(bytes, at, scan) : undefined;
      return text !== undefined && countPattern.test(text);
    }
    case "timestamp": {
      if (kind === kinds.emptyString) return true;
      const text = kind === kinds.string ? plain(bytes, at, scan) : undefined;
      return text !== undefined && timestampPattern.test(text) && isRealDate(text);
    }
    case "boolean": {
      if (kind === kinds.emptyString || kind === kinds.literal) return true;
      const text = kind === kinds.string ? plain(bytes, at, scan) : undefined;
      return text === "true" || text === "false";
    }
    case "json":
    case "json as sent":
      return kind === kinds.object || kind === kinds.list;
    case "text or null":
      return kind === kinds.string || kind === kinds.emptyString || kind === kinds.literal;
    case "number":
      return kind === kinds.emptyString || (kind === kinds.number && isPlainNumber(bytes, at, scan.end));
    case "whole number":
      return kind === kinds.emptyString || (kind === kinds.number && isWholeNumber(bytes, at, scan.end, true));
    case "numeric id":
      if (kind === kinds.emptyString) return true;
      if (kind === kinds.number) return isWholeNumber(bytes, at, scan.end, false);
      // Digits as text: `"007"` is 7 in JavaScript and in DuckDB's cast alike.
      return kind === kinds.string && !scan.escaped && scan.end - at - 2 <= 15 && digitsAt(bytes, at + 1, scan.end - 1);
    case "true or false":
      return kind === kinds.emptyString || kind === kinds.literal;
    case "utc time":
      if (kind === kinds.emptyString) return true;
      return kind === kinds.string && !scan.escaped && isUsualUtcTime(bytes, at + 1, scan.end - 1);
    case "text list":
      return kind === kinds.list;
    default:
      // Lists read item by item are scanned by `Scan.nested`.
      return false;
  }
}

/** A cursor over one record's bytes: skips blanks, strings and nested values, noting what it saw. */
class Scan {
  readonly bytes: Uint8Array;
  /** The end of the record being scanned. */
  limit = 0;
  /** Just past the last value or string scanned. */
  end = 0;
  /** The last string scanned held a backslash escape. */
  escaped = false;
  /** The first backslash at or after `#slashFrom` (-1: none until the end of the buffer). */
  #slash = -1;
  #slashFrom = Number.POSITIVE_INFINITY;

  constructor(bytes: Uint8Array) {
    this.bytes = bytes;
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
    // Most strings (keys, short values) end within a few bytes: a plain loop costs less than a native search each.
    const stop = Math.min(this.limit, at + 48);
    for (let index = at + 1; index < stop; index++) {
      const byte = bytes[index];
      if (byte === quote) {
        this.end = index + 1;
        return this.end;
      }
      if (byte === backslash) break;
    }
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
        if (kind === unusual || !usualKind(kind, "numeric id", bytes, index, this)) return unusual;
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
    for (;;) {
      if (bytes[index] !== quote) return false;
      const keyEnd = this.string(index);
      if (keyEnd === -1 || this.escaped) return false;
      const member = lookup(members.keys, bytes, index + 1, keyEnd - 1);
      if (member === -1 || (seen & (1 << member)) !== 0) return false;
      seen |= 1 << member;
      index = this.space(keyEnd);
      if (bytes[index] !== colon) return false;
      index = this.space(index + 1);
      const kind = this.value(index, undefined, 1);
      if (kind === unusual || !usualKind(kind, members.readings[member] as FieldMapping["reading"], bytes, index, this))
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
    let depth = 0;
    let index = at;
    // True where the next non-blank byte begins an element of the outer list.
    let expectElement = false;
    while (index < this.limit) {
      const byte = bytes[index] as number;
      if (expectElement && byte !== 32 && byte !== 10 && byte !== 13 && byte !== 9) {
        expectElement = false;
        if (byte !== elementStart && !(byte === closeBracket && bytes[this.space(at + 1)] === closeBracket))
          return unusual;
      }
      if (byte === quote) {
        if (this.string(index) === -1) return unusual;
        index = this.end;
        continue;
      }
      if (byte === openBrace || byte === openBracket) {
        if (++depth >= depthLimit) return unusual;
        if (depth === 1 && elementStart !== -1) expectElement = true;
      } else if (byte === closeBrace || byte === closeBracket) {
        if (--depth === 0) {
          this.end = index + 1;
          return list ? kinds.list : kinds.object;
        }
      } else if (byte === comma && depth === 1 && elementStart !== -1) expectElement = true;
      index++;
    }
    return unusual;
  }
}

/** `\uXXXX` that the JavaScript side repairs or refuses: NUL, or either half of a surrogate pair. */
function needsRepair(bytes: Uint8Array, at: number): boolean {
  const hex = String.fromCharCode(bytes[at] ?? 0, bytes[at + 1] ?? 0, bytes[at + 2] ?? 0, bytes[at + 3] ?? 0);
  return hex === "0000" || /^[dD][89a-fA-F]/.test(hex);
}
