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

function isSpace(byte: number): boolean {
  return byte === 32 || byte === newline || byte === 13 || byte === 9;
}

/**
 * Cuts an export file into its elements as the bytes stream in, without parsing them: a JSON array
 * (compact or pretty-printed, an element spanning lines) or NDJSON (vendor-apis §3.5). Whole-file
 * parsing fails past ~512 MB and streaming JSON parsers cost 3-5x more than scanning for element
 * boundaries and calling JSON.parse per element (perf-notes).
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
  /** Bytes from `#committed` on that are not handed out yet. */
  #pending: Buffer = Buffer.alloc(0);
  /** Scanner state at `#scanned` (array format only). */
  #scanned = 0;
  #depth = 0;
  #inString = false;
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

  /** The next bytes of the file; gives every element they complete, as text. */
  push(chunk: Buffer): FileElement[] {
    const { buffer, spans } = this.#split(chunk);
    return texts(buffer, spans);
  }

  /**
   * `push` for a warehouse's own reader: runs of whole elements as the bytes they arrived in, without decoding
   * them (NDJSON lines, or array items with the commas between them), and broken elements as text.
   */
  pushRecords(chunk: Buffer): FilePiece[] {
    const { buffer, spans } = this.#split(chunk);
    return this.#pieces(buffer, spans);
  }

  #split(chunk: Buffer): { buffer: Buffer; spans: Span[] } {
    const buffer = this.#pending.length === 0 ? chunk : Buffer.concat([this.#pending, chunk]);
    const spans: Span[] = [];
    let consumed = 0;
    if (this.#format === "unknown") consumed = this.#detect(buffer);
    if (this.#format === "ndjson") consumed = this.#lines(buffer, consumed, spans, false);
    else if (this.#format === "array") consumed = this.#scan(buffer, consumed, spans);
    this.#pending = consumed === buffer.length ? Buffer.alloc(0) : buffer.subarray(consumed);
    this.#scanned -= consumed;
    if (this.#elementStart !== -1) this.#elementStart -= consumed;
    return { buffer, spans };
  }

  #pieces(buffer: Buffer, spans: readonly Span[]): FilePiece[] {
    const pieces: FilePiece[] = [];
    const layout = this.#format === "array" ? "json-array-items" : "ndjson";
    let run: Span[] = [];
    const close = () => {
      const first = run[0];
      const last = run.at(-1);
      if (first === undefined || last === undefined) return;
      const offsets = new Uint32Array(run.length * 2);
      run.forEach((span, index) => {
        offsets[index * 2] = span.start - first.start;
        offsets[index * 2 + 1] = span.end - first.start;
      });
      const bytes = buffer.subarray(first.start, last.end);
      pieces.push({ kind: "records", records: { layout, bytes, count: run.length, spans: offsets } });
      run = [];
    };
    for (const span of spans) {
      if (span.complete) {
        run.push(span);
        continue;
      }
      close();
      const text = buffer.toString("utf8", span.start, span.end).trim();
      if (text !== "") pieces.push({ kind: "broken", text });
    }
    close();
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
    const rest = this.#pending.toString("utf8").trim();
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
    const { buffer, spans } = this.#end();
    return texts(buffer, spans);
  }

  /** `finish` for `pushRecords`. */
  finishRecords(): FilePiece[] {
    const { buffer, spans } = this.#end();
    return this.#pieces(buffer, spans);
  }

  #end(): { buffer: Buffer; spans: Span[] } {
    const buffer = this.#pending;
    const spans: Span[] = [];
    if (this.#format === "ndjson") this.#lines(buffer, 0, spans, true);
    else if (buffer.length > 0) spans.push({ start: 0, end: buffer.length, complete: false });
    this.#commit(buffer.length);
    this.#pending = Buffer.alloc(0);
    return { buffer, spans };
  }

  /** Forgets everything after `committed`, to continue with the bytes from that offset. */
  rewind(): void {
    this.#pending = Buffer.alloc(0);
    this.#format = this.#committedFormat;
    this.#depth = this.#committedDepth;
    this.#scanned = 0;
    this.#inString = false;
    this.#elementStart = -1;
    this.#garbage = false;
  }

  #commit(bytes: number): void {
    this.#committed += bytes;
    this.#committedFormat = this.#format;
    this.#committedDepth = this.#depth;
  }

  /** Skips a byte-order mark and blank space; the first byte then says which format this is. */
  #detect(buffer: Buffer): number {
    const bom = [0xef, 0xbb, 0xbf];
    if (buffer.length < 3 && buffer.every((byte, position) => byte === bom[position])) return 0;
    let index = buffer.length >= 3 && buffer[0] === 0xef && buffer[1] === 0xbb && buffer[2] === 0xbf ? 3 : 0;
    while (index < buffer.length && isSpace(buffer[index] as number)) index++;
    if (index === buffer.length) {
      this.#commit(index);
      return index;
    }
    this.#format = buffer[index] === openBracket ? "array" : "ndjson";
    this.#commit(index);
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

  #scan(buffer: Buffer, from: number, spans: Span[]): number {
    let consumed = from;
    let index = Math.max(this.#scanned, from);
    const length = buffer.length;
    const emit = (end: number, complete: boolean): void => {
      spans.push({ start: this.#elementStart, end, complete });
      this.#elementStart = -1;
      this.#commit(end - consumed);
      consumed = end;
    };
    while (index < length) {
      if (this.#inString) {
        const closing = buffer.indexOf(quote, index);
        if (closing === -1) {
          index = length;
          break;
        }
        let slashes = 0;
        while (buffer[closing - 1 - slashes] === backslash) slashes++;
        if (slashes % 2 === 0) this.#inString = false;
        index = closing + 1;
        continue;
      }
      const byte = buffer[index] as number;
      if (this.#garbage) {
        if (byte === newline) {
          this.#garbage = false;
          emit(index, false);
        }
      } else if (byte === quote) {
        this.#inString = true;
        if (this.#elementStart === -1 && this.#depth === 1) this.#elementStart = index;
      } else if (byte === openBrace || byte === openBracket) {
        if (this.#depth === 0 && byte === openBracket) {
          this.#depth = 1;
          this.#commit(index + 1 - consumed);
          consumed = index + 1;
        } else {
          if (this.#depth === 1 && this.#elementStart === -1) this.#elementStart = index;
          if (this.#depth === 0) this.#startGarbage(index);
          else this.#depth++;
        }
      } else if (byte === closeBrace || byte === closeBracket) {
        this.#depth--;
        if (this.#depth === 1 && byte === closeBrace && this.#elementStart !== -1) emit(index + 1, true);
        else if (this.#depth === 0) {
          if (this.#elementStart !== -1) emit(index, true);
          this.#commit(index + 1 - consumed);
          consumed = index + 1;
        } else if (this.#depth < 0) {
          this.#depth = 0;
          this.#startGarbage(index);
        }
      } else if (byte === comma && this.#depth === 1) {
        if (this.#elementStart !== -1) emit(index, true);
        this.#commit(index + 1 - consumed);
        consumed = index + 1;
      } else if (!isSpace(byte)) {
        if (this.#depth === 1 && this.#elementStart === -1) this.#elementStart = index;
        else if (this.#depth === 0) this.#startGarbage(index);
      }
      index++;
    }
    this.#scanned = index;
    return consumed;
  }

  #startGarbage(index: number): void {
    this.#garbage = true;
    this.#elementStart = index;
  }
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
