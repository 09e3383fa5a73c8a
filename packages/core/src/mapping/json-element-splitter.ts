import type { RawRecords } from "./record-mapping.ts";

/** One top-level element of a JSON array or NDJSON file, as text, not yet parsed. */
export interface FileElement {
  readonly text: string;
  /** False when the bytes cannot be a JSON value (the file ended inside it, or text outside any element). */
  readonly complete: boolean;
}

/**
 * What `pushRecords` hands out: consecutive whole elements as the bytes they arrived in (for a warehouse's own
 * JSON reader), or bytes that cannot be an element, as text (a reject).
 */
export type FilePiece =
  | { readonly kind: "records"; readonly records: RawRecords }
  | { readonly kind: "broken"; readonly text: string };

type Format = "unknown" | "array" | "ndjson";

/** Where an element lies in the buffer being split. */
interface Span {
  readonly start: number;
  readonly end: number;
  readonly complete: boolean;
}

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

const { newline, quote, backslash, comma, openBrace, closeBrace, openBracket, closeBracket } = jsonBytes;

/** 1 for the bytes that are neither JSON structure nor blank: inside a number, `true`, `false` or `null`. */
const valueBytes = new Uint8Array(256).fill(1);
for (const byte of [quote, comma, openBrace, closeBrace, openBracket, closeBracket, 32, newline, 13, 9])
  valueBytes[byte] = 0;

function isSpace(byte: number): boolean {
  return byte === 32 || byte === newline || byte === 13 || byte === 9;
}

/** Bytes the splitter keeps room for ahead: chunks are copied into blocks of this size, not joined one by one. */
const blockBytes = 4 * 1024 * 1024;

/**
 * Cuts an export file into its elements as the bytes stream in, without parsing them: a JSON array
 * (compact or pretty-printed, an element spanning lines) or NDJSON (vendor-apis §3.5). Whole-file
 * parsing fails past ~512 MB and streaming JSON parsers cost 3-5x more than scanning for element
 * boundaries and calling JSON.parse per element (perf-notes).
 *
 * Incoming chunks are copied once into a block of a few MiB, and what is handed out are views of that block:
 * an element cut between two chunks costs no extra copy, and a download's many small chunks no allocation each.
 * A handed-out view is never written again (new bytes only go after the ones not handed out yet).
 *
 * `committed` is the byte offset just after the last element handed out; after a broken connection,
 * `rewind()` drops the unfinished tail so the download can resume with a Range request from there and
 * no element is produced twice.
 */
export class ElementSplitter {
  #format: Format;
  #committed = 0;
  #committedDepth = 0;
  #committedFormat: Format = "unknown";
  /** The bytes not handed out yet are `#block[#start, #end)`; the block's bytes before `#start` were handed out. */
  #block: Buffer = Buffer.alloc(0);
  #start = 0;
  #end = 0;
  /** Scanner state at block offset `#scanned` (array format only). */
  #scanned = 0;
  #depth = 0;
  #inString = false;
  /** The last byte scanned was a backslash inside a string: the next byte is escaped. */
  #escaped = false;
  #elementStart = -1;
  #garbage = false;

  /** NDJSON when the caller knows it is; otherwise the first byte that is not blank says which (`[`: an array). */
  constructor(format?: "ndjson") {
    this.#format = format ?? "unknown";
    this.#committedFormat = this.#format;
  }

  get committed(): number {
    return this.#committed;
  }

  /** The next bytes of the file (a chunk, or several in order); gives every element they complete, as text. */
  push(chunks: Uint8Array | readonly Uint8Array[]): FileElement[] {
    const { buffer, spans } = this.#split(chunks);
    return texts(buffer, spans);
  }

  /**
   * `push` for a warehouse's own reader: runs of whole elements as the bytes they arrived in, without decoding
   * them (NDJSON lines, or array items with the commas between them), and broken elements as text.
   */
  pushRecords(chunks: Uint8Array | readonly Uint8Array[]): FilePiece[] {
    const { buffer, spans } = this.#split(chunks);
    return this.#pieces(buffer, spans);
  }

  #split(chunks: Uint8Array | readonly Uint8Array[]): { buffer: Buffer; spans: Span[] } {
    const list: readonly Uint8Array[] = chunks instanceof Uint8Array ? [chunks] : chunks;
    let incoming = 0;
    for (const chunk of list) incoming += chunk.byteLength;
    this.#makeRoom(incoming);
    for (const chunk of list) {
      this.#block.set(chunk, this.#end);
      this.#end += chunk.byteLength;
    }
    // Bytes past `#end` are not the file's: every scan stops there (indexOf would not).
    const buffer = this.#block.subarray(0, this.#end);
    const spans: Span[] = [];
    let consumed = this.#start;
    if (this.#format === "unknown") consumed = this.#detect(buffer, consumed);
    if (this.#format === "ndjson") consumed = this.#lines(buffer, consumed, spans, false);
    else if (this.#format === "array") consumed = this.#scan(buffer, consumed, spans);
    this.#start = consumed;
    return { buffer, spans };
  }

  /** Moves the bytes not handed out yet to a new block when `incoming` more do not fit after them. */
  #makeRoom(incoming: number): void {
    if (this.#end + incoming <= this.#block.length) return;
    const pending = this.#end - this.#start;
    // Doubling keeps one huge element arriving in small chunks from being copied again with every chunk.
    const needed = pending + incoming;
    const block = Buffer.allocUnsafeSlow(needed <= blockBytes ? blockBytes : 2 * needed);
    this.#block.copy(block, 0, this.#start, this.#end);
    this.#block = block;
    this.#scanned -= this.#start;
    if (this.#elementStart !== -1) this.#elementStart -= this.#start;
    this.#start = 0;
    this.#end = pending;
  }

  #pieces(buffer: Buffer, spans: readonly Span[]): FilePiece[] {
    const pieces: FilePiece[] = [];
    const layout = this.#format === "array" ? "json-array-items" : "ndjson";
    let runFrom = 0;
    const close = (runTo: number) => {
      const count = runTo - runFrom;
      if (count === 0) return;
      const first = (spans[runFrom] as Span).start;
      const offsets = new Uint32Array(count * 2);
      for (let index = 0; index < count; index++) {
        const span = spans[runFrom + index] as Span;
        offsets[index * 2] = span.start - first;
        offsets[index * 2 + 1] = span.end - first;
      }
      const bytes = buffer.subarray(first, (spans[runTo - 1] as Span).end);
      pieces.push({ kind: "records", records: { layout, bytes, count, spans: offsets } });
    };
    for (let index = 0; index < spans.length; index++) {
      const span = spans[index] as Span;
      if (span.complete) continue;
      close(index);
      runFrom = index + 1;
      const text = buffer.toString("utf8", span.start, span.end).trim();
      if (text !== "") pieces.push({ kind: "broken", text });
    }
    close(spans.length);
    return pieces;
  }

  /**
   * Why the bytes so far cannot be a whole file, or undefined when they can: a JSON array must end with its `]`, and
   * the last line of NDJSON that has no line break after it must be a whole JSON value. Call it before `finish()`.
   */
  cutShort(): string | undefined {
    if (this.#format === "array") {
      if (this.#depth === 0 && !this.#inString) return undefined;
      return "the JSON array ends without its closing ] (the file was cut short)";
    }
    if (this.#format !== "ndjson") return undefined;
    const rest = this.#block.toString("utf8", this.#start, this.#end).trim();
    if (rest === "") return undefined;
    try {
      JSON.parse(rest);
      return undefined;
    } catch {
      return "the last line breaks off inside a JSON value (the file was cut short)";
    }
  }

  /** The end of the file: what is left is a last NDJSON line, or a broken element. */
  finish(): FileElement[] {
    const { buffer, spans } = this.#finishSpans();
    return texts(buffer, spans);
  }

  /** `finish` for `pushRecords`. */
  finishRecords(): FilePiece[] {
    const { buffer, spans } = this.#finishSpans();
    return this.#pieces(buffer, spans);
  }

  #finishSpans(): { buffer: Buffer; spans: Span[] } {
    const buffer = this.#block.subarray(0, this.#end);
    const spans: Span[] = [];
    if (this.#format === "ndjson") this.#lines(buffer, this.#start, spans, true);
    else if (this.#end > this.#start) spans.push({ start: this.#start, end: this.#end, complete: false });
    this.#commit(this.#end - this.#start);
    this.#start = this.#end;
    this.#scanned = this.#end;
    this.#elementStart = -1;
    return { buffer, spans };
  }

  /** Forgets everything after `committed`, to continue with the bytes from that offset. */
  rewind(): void {
    this.#end = this.#start;
    this.#format = this.#committedFormat;
    this.#depth = this.#committedDepth;
    this.#scanned = this.#start;
    this.#inString = false;
    this.#escaped = false;
    this.#elementStart = -1;
    this.#garbage = false;
  }

  #commit(bytes: number): void {
    this.#committed += bytes;
    this.#committedFormat = this.#format;
    this.#committedDepth = this.#depth;
  }

  /** Skips a byte-order mark and blank space; the first byte then says which format this is. */
  #detect(buffer: Buffer, from: number): number {
    const bom = [0xef, 0xbb, 0xbf];
    const length = buffer.length;
    if (length - from < 3 && buffer.subarray(from).every((byte, position) => byte === bom[position])) return from;
    let index =
      length - from >= 3 && buffer[from] === 0xef && buffer[from + 1] === 0xbb && buffer[from + 2] === 0xbf
        ? from + 3
        : from;
    while (index < length && isSpace(buffer[index] as number)) index++;
    this.#commit(index - from);
    if (index === length) return index;
    this.#format = buffer[index] === openBracket ? "array" : "ndjson";
    this.#committedFormat = this.#format;
    this.#scanned = index;
    return index;
  }

  #lines(buffer: Buffer, from: number, spans: Span[], final: boolean): number {
    let start = from;
    while (start < buffer.length) {
      let end = buffer.indexOf(newline, start);
      if (end === -1) {
        if (!final) break;
        end = buffer.length;
      }
      let first = start;
      while (first < end && isSpace(buffer[first] as number)) first++;
      if (first < end) spans.push({ start: first, end, complete: true });
      const next = Math.min(end + 1, buffer.length);
      this.#commit(next - start);
      start = next;
    }
    return start;
  }

  /**
   * The array scanner: element boundaries are the commas and brackets at depth 1 outside strings. Strings are
   * skipped byte by byte in JavaScript (their texts are short: a native indexOf call per string cost more). The
   * state lives in locals that no closure captures while the loop runs, and most bytes take the one table look-up
   * of `valueBytes`: this loop is most of the splitter's cost on a JSON array day.
   */
  #scan(buffer: Buffer, from: number, spans: Span[]): number {
    let consumed = from;
    let index = Math.max(this.#scanned, from);
    const length = buffer.length;
    let depth = this.#depth;
    let inString = this.#inString;
    let escaped = this.#escaped;
    let elementStart = this.#elementStart;
    let garbage = this.#garbage;
    if (inString) {
      const after = stringEnd(buffer, escaped ? index + 1 : index);
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
        this.#committed += lineEnd - consumed;
        this.#committedDepth = depth;
        consumed = lineEnd;
        index = lineEnd + 1;
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
          const after = stringEnd(buffer, index);
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
        this.#committed += settled - consumed;
        this.#committedDepth = depth;
        consumed = settled;
      }
    }
    this.#scanned = index;
    this.#depth = depth;
    this.#inString = inString;
    this.#escaped = escaped;
    this.#elementStart = elementStart;
    this.#garbage = garbage;
    return consumed;
  }
}

const cutInString = -1;
const escapedAtEnd = -2;

/**
 * Where the string whose opening quote is before `index` ends (the index after its closing quote), or, when the
 * buffer ends first, `cutInString` (or `escapedAtEnd`: its last byte is a backslash, so the next byte is escaped).
 */
function stringEnd(buffer: Buffer, from: number): number {
  const length = buffer.length;
  let index = from;
  while (index < length) {
    const byte = buffer[index++] as number;
    if (byte === quote) return index;
    if (byte === backslash) {
      if (index === length) return escapedAtEnd;
      index++;
    }
  }
  return cutInString;
}

/** Each span's text, trimmed; blank ones (space between elements) left out. */
function texts(buffer: Buffer, spans: readonly Span[]): FileElement[] {
  const elements: FileElement[] = [];
  for (const span of spans) {
    const text = buffer.toString("utf8", span.start, span.end).trim();
    if (text !== "") elements.push({ text, complete: span.complete });
  }
  return elements;
}

/** The records of `RawRecords` one by one, as text: for a reader that cannot take the bytes whole. */
export function rawRecordTexts(records: RawRecords): string[] {
  const spans = records.spans;
  if (spans !== undefined) {
    const bytes = Buffer.from(records.bytes.buffer, records.bytes.byteOffset, records.bytes.byteLength);
    return Array.from({ length: spans.length / 2 }, (_, index) =>
      bytes.toString("utf8", spans[index * 2], spans[index * 2 + 1]).trim(),
    );
  }
  const ndjson = records.layout === "ndjson";
  const splitter = new ElementSplitter(ndjson ? "ndjson" : undefined);
  const bytes = Buffer.from(records.bytes.buffer, records.bytes.byteOffset, records.bytes.byteLength);
  const whole = ndjson ? bytes : Buffer.concat([Buffer.from("["), bytes, Buffer.from("]")]);
  const elements = [...splitter.push(whole), ...splitter.finish()];
  return elements.map((element) => element.text);
}
