/** The bytes JSON's structure is made of, for scanners that read JSON without decoding it. */
export const jsonBytes = {
  newline: 10,
  quote: 34,
  backslash: 92,
  comma: 44,
  colon: 58,
  openBrace: 123,
  closeBrace: 125,
  openBracket: 91,
  closeBracket: 93,
} as const;

const { newline, quote, backslash, comma, colon, openBrace, closeBrace, openBracket, closeBracket } = jsonBytes;

/** Where an element lies in the buffer being split. */
export interface Span {
  readonly start: number;
  readonly end: number;
  readonly complete: boolean;
}

/** Where the array scanner stands, between the chunks of one file. Offsets are those of the buffer being scanned. */
export interface ArrayScan {
  /** Bytes before this offset were scanned. */
  scanned: number;
  depth: number;
  inString: boolean;
  /** The last byte scanned was a backslash inside a string: the next byte is escaped. */
  escaped: boolean;
  /** Where the element being scanned starts; -1 between elements. */
  elementStart: number;
  /** Inside text outside any element (it runs to the end of its line). */
  garbage: boolean;
  /** The depth at the last settled offset, where a resumed download starts again. */
  settledDepth: number;
}

export function startArrayScan(): ArrayScan {
  return { scanned: 0, depth: 0, inString: false, escaped: false, elementStart: -1, garbage: false, settledDepth: 0 };
}

export function isSpace(byte: number): boolean {
  return byte === 32 || byte === newline || byte === 13 || byte === 9;
}

/** 1 for the bytes that are neither JSON structure nor blank: inside a number, `true`, `false` or `null`. */
const valueBytes = new Uint8Array(256).fill(1);
for (const byte of [quote, comma, openBrace, closeBrace, openBracket, closeBracket, 32, newline, 13, 9])
  valueBytes[byte] = 0;

/**
 * Scans `buffer` from `state.scanned` on, pushing a span for each element it completes; returns the offset up to which
 * the bytes are settled (elements handed out, brackets, commas), at least `from`. Element boundaries are the commas and
 * brackets at depth 1 outside strings. Strings are skipped in JavaScript, four bytes at a time where they can be
 * (their texts are short: a native indexOf call per string cost more). The state lives in locals that no closure
 * captures while the loop runs, and most other bytes take the one table look-up of `valueBytes`: this loop is most
 * of the splitter's cost on a JSON array day. `firstSettled`: stop at the first offset settled past `from`.
 */
export function scanArray(buffer: Buffer, from: number, state: ArrayScan, spans: Span[], firstSettled = false): number {
  let consumed = from;
  let index = Math.max(state.scanned, from);
  const length = buffer.length;
  let depth = state.depth;
  let inString = state.inString;
  let escaped = state.escaped;
  let elementStart = state.elementStart;
  let garbage = state.garbage;
  const words = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  if (inString && index < length) {
    const after = stringEnd(buffer, words, escaped ? index + 1 : index);
    inString = after < 0;
    escaped = after === escapedAtEnd;
    index = after < 0 ? length : after;
  }
  while (index < length) {
    if (garbage) {
      // Text outside any element runs to the end of its line: one broken element.
      const lineEnd = buffer.indexOf(newline, index);
      if (lineEnd === -1) {
        index = length;
        break;
      }
      spans.push({ start: elementStart, end: lineEnd, complete: false });
      garbage = false;
      elementStart = -1;
      state.settledDepth = depth;
      consumed = lineEnd;
      index = lineEnd + 1;
      if (firstSettled) break;
      continue;
    }
    const byte = buffer[index++] as number;
    if (valueBytes[byte] === 1) {
      if (elementStart === -1 && depth <= 1) {
        elementStart = index - 1;
        garbage = depth === 0;
      }
      continue;
    }
    // Where an element just ended, and up to where the bytes are settled (handed out or structure).
    let end = -1;
    let settled = -1;
    if (byte === quote) {
      if (elementStart === -1 && depth <= 1) elementStart = index - 1;
      if (depth === 0) garbage = true;
      else {
        let after = stringEnd(buffer, words, index);
        // Inside an element's object or list a colon or a comma changes nothing: the string after one is skipped at
        // once (most of a record is `"key":"value","key":...`).
        while (depth >= 2 && after >= 0 && after + 1 < length) {
          const next = buffer[after] as number;
          if ((next !== colon && next !== comma) || buffer[after + 1] !== quote) break;
          after = stringEnd(buffer, words, after + 2);
        }
        if (after < 0) {
          inString = true;
          escaped = after === escapedAtEnd;
          index = length;
        } else index = after;
      }
    } else if (byte === openBrace || byte === openBracket) {
      if (depth === 0 && byte === openBracket) {
        depth = 1;
        settled = index;
      } else if (depth === 0) {
        garbage = true;
        elementStart = index - 1;
      } else {
        if (depth === 1 && elementStart === -1) elementStart = index - 1;
        depth++;
      }
    } else if (byte === closeBrace || byte === closeBracket) {
      depth--;
      if (depth === 1 && byte === closeBrace && elementStart !== -1) end = index;
      else if (depth === 0) {
        if (elementStart !== -1) end = index - 1;
        settled = index;
      } else if (depth < 0) {
        depth = 0;
        garbage = true;
        elementStart = index - 1;
      }
    } else if (byte === comma) {
      if (depth === 1) {
        if (elementStart !== -1) end = index - 1;
        settled = index;
      } else if (depth === 0) {
        garbage = true;
        elementStart = index - 1;
      }
    }
    if (end !== -1) {
      spans.push({ start: elementStart, end, complete: true });
      elementStart = -1;
      if (settled < end) settled = end;
    }
    if (settled !== -1) {
      state.settledDepth = depth;
      consumed = settled;
      if (firstSettled) break;
    }
  }
  state.scanned = index;
  state.depth = depth;
  state.inString = inString;
  state.escaped = escaped;
  state.elementStart = elementStart;
  state.garbage = garbage;
  return consumed;
}

const cutInString = -1;
const escapedAtEnd = -2;

/**
 * Where the string whose opening quote is before `from` ends (the index after its closing quote), or, when the
 * buffer ends first, `cutInString` (or `escapedAtEnd`: its last byte is a backslash, so the next byte is escaped).
 * `words` (the same bytes, read four at a time at any offset) lets runs of string bytes holding neither a quote nor a
 * backslash be skipped a word at a time: about a third less time on a day's file than byte by byte.
 */
function stringEnd(buffer: Uint8Array, words: DataView, from: number): number {
  const length = buffer.length;
  let index = from;
  while (index < length) {
    while (index + 4 <= length) {
      const value = words.getUint32(index, true);
      const quotes = value ^ 0x22222222;
      const backslashes = value ^ 0x5c5c5c5c;
      // Non-zero when a byte of `quotes` or `backslashes` is zero, i.e. a byte of the word is `"` or `\`.
      if ((((quotes - 0x01010101) & ~quotes) | ((backslashes - 0x01010101) & ~backslashes)) & 0x80808080) break;
      index += 4;
    }
    const byte = buffer[index++] as number;
    if (byte === quote) return index;
    if (byte === backslash) {
      if (index === length) return escapedAtEnd;
      index++;
    }
  }
  return cutInString;
}
