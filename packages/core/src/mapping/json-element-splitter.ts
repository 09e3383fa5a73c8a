import { elementTexts, type FileElement, type FilePiece, recordPieces } from "./file-pieces.ts";
import { type ArrayScan, isSpace, jsonBytes, type Span, scanArray, startArrayScan } from "./json-array-scan.ts";
import { scanLines } from "./ndjson-lines.ts";
import type { RawRecords } from "./record-mapping.ts";

export type { FileElement, FilePiece } from "./file-pieces.ts";
export { isSpace as isJsonSpace, jsonBytes } from "./json-array-scan.ts";

const { newline, openBracket } = jsonBytes;

type Format = "unknown" | "array" | "ndjson";

/** Chunks are copied into blocks of up to this size, not joined one by one. */
const blockBytes = 4 * 1024 * 1024;

/** Elements found in one buffer: where they lie in it. */
interface Split {
  readonly buffer: Buffer;
  readonly spans: Span[];
}

export interface ElementSplitterOptions {
  /** NDJSON when the caller knows it is; otherwise the first byte that is not blank says which (`[`: an array). */
  readonly format?: "ndjson";
  /**
   * Hand out views of the pushed chunks themselves instead of copies, for a caller that never writes a chunk again
   * once pushed (each read of a socket is a new buffer); only an element cut between two chunks is copied.
   */
  readonly viewsOfChunks?: boolean;
}

/**
 * Cuts an export file into its elements as the bytes stream in, without parsing them: a JSON array
 * (compact or pretty-printed, an element spanning lines) or NDJSON (vendor-apis §3.5). Whole-file
 * parsing fails past ~512 MB and streaming JSON parsers cost 3-5x more than scanning for element
 * boundaries and calling JSON.parse per element (perf-notes).
 *
 * Incoming chunks are copied once into a block (of a few MiB once the file is large), and what is handed out are
 * views of that block: an element cut between two chunks costs no extra copy, and a download's many small chunks no
 * allocation each. With `viewsOfChunks` the chunks are split where they lie and only the bytes not handed out at
 * a chunk's end are copied, together with the next chunk's bytes up to where they end.
 * A handed-out view is never written again (new bytes only go after the ones not handed out yet).
 *
 * `committed` is the byte offset just after the last element handed out; after a broken connection,
 * `rewind()` drops the unfinished tail so the download can resume with a Range request from there and
 * no element is produced twice.
 */
export class ElementSplitter {
  #format: Format;
  readonly #viewsOfChunks: boolean;
  #committed = 0;
  #committedDepth = 0;
  #committedFormat: Format = "unknown";
  /**
   * The bytes not handed out yet are `#block[#start, #end)`; the block's bytes before `#start` were handed out.
   * The block is the splitter's own (`#owned`: bytes may be added after `#end`) or a pushed chunk.
   */
  #block: Buffer = Buffer.alloc(0);
  #owned = true;
  #start = 0;
  #end = 0;
  /** The array scanner's state; its offsets are the block's. */
  #scan: ArrayScan = startArrayScan();

  constructor(options?: "ndjson" | ElementSplitterOptions) {
    const settings = typeof options === "string" ? { format: options } : (options ?? {});
    this.#format = settings.format ?? "unknown";
    this.#viewsOfChunks = settings.viewsOfChunks === true;
    this.#committedFormat = this.#format;
  }

  get committed(): number {
    return this.#committed;
  }

  /** The next bytes of the file (a chunk, or several in order); gives every element they complete, as text. */
  push(chunks: Uint8Array | readonly Uint8Array[]): FileElement[] {
    return this.#split(chunks).flatMap(({ buffer, spans }) => elementTexts(buffer, spans));
  }

  /**
   * `push` for a warehouse's own reader: runs of whole elements as the bytes they arrived in, without decoding
   * them (NDJSON lines, or array items with the commas between them), and broken elements as text.
   */
  pushRecords(chunks: Uint8Array | readonly Uint8Array[]): FilePiece[] {
    return this.#split(chunks).flatMap(({ buffer, spans }) => this.#pieces(buffer, spans));
  }

  #split(chunks: Uint8Array | readonly Uint8Array[]): Split[] {
    const list: readonly Uint8Array[] = chunks instanceof Uint8Array ? [chunks] : chunks;
    if (!this.#viewsOfChunks) {
      let incoming = 0;
      for (const chunk of list) incoming += chunk.byteLength;
      this.#makeRoom(incoming, false);
      for (const chunk of list) this.#append(chunk, 0, chunk.byteLength);
      return [this.#scanBlock()];
    }
    const splits: Split[] = [];
    for (const chunk of list) {
      const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      for (let at = 0; at < bytes.length; ) {
        if (this.#start === this.#end) {
          // Nothing pending: the chunk is split where it lies.
          this.#block = bytes;
          this.#owned = false;
          this.#start = at;
          this.#end = bytes.length;
          this.#scan.scanned = at;
          splits.push(this.#scanBlock());
          break;
        }
        // What is pending and the chunk's bytes up to where it ends are copied and split together; the rest of
        // the chunk is then split where it lies. Pending bytes that do not end in this chunk take it all.
        const ends = this.#pendingEnd(bytes, at);
        const to = ends === -1 ? bytes.length : ends;
        this.#makeRoom(to - at, ends !== -1);
        this.#append(bytes, at, to);
        splits.push(this.#scanBlock());
        at = to;
      }
    }
    return splits;
  }

  #append(chunk: Uint8Array, from: number, to: number): void {
    this.#block.set(from === 0 && to === chunk.byteLength ? chunk : chunk.subarray(from, to), this.#end);
    this.#end += to - from;
  }

  /** Scans the bytes of the block not scanned yet: the elements they complete. */
  #scanBlock(): Split {
    // Bytes past `#end` are not the file's: every scan stops there (indexOf would not).
    const buffer = this.#end === this.#block.length ? this.#block : this.#block.subarray(0, this.#end);
    const spans: Span[] = [];
    let consumed = this.#start;
    if (this.#format === "unknown") consumed = this.#detect(buffer, consumed);
    if (this.#format === "ndjson") {
      const from = consumed;
      consumed = scanLines(buffer, from, spans, false);
      this.#commit(consumed - from);
    } else if (this.#format === "array") {
      const from = consumed;
      consumed = scanArray(buffer, from, this.#scan, spans);
      if (consumed !== from) {
        this.#committed += consumed - from;
        this.#committedDepth = this.#scan.settledDepth;
      }
    }
    this.#start = consumed;
    return { buffer, spans };
  }

  /**
   * Where in `chunk` (from `at`) the bytes pending end, as far as a scan of the chunk alone tells: after the next
   * line break, or the array's next element end, comma or bracket; -1 when not in this chunk (or the format is
   * not known yet). A guess that proves short only costs another round.
   */
  #pendingEnd(chunk: Buffer, at: number): number {
    if (this.#format === "ndjson") {
      const lineEnd = chunk.indexOf(newline, at);
      return lineEnd === -1 ? -1 : lineEnd + 1;
    }
    if (this.#format !== "array") return -1;
    const scan = { ...this.#scan, scanned: at, elementStart: this.#scan.elementStart === -1 ? -1 : at };
    const settled = scanArray(chunk, at, scan, [], true);
    return settled > at ? settled : -1;
  }

  /**
   * Makes room for `incoming` more bytes after the ones not handed out yet, moving these to a new block of the
   * splitter's own when they do not fit (always when the block is a pushed chunk); `exact`: a block of just that size.
   */
  #makeRoom(incoming: number, exact: boolean): void {
    if (this.#owned && this.#end + incoming <= this.#block.length) return;
    const pending = this.#end - this.#start;
    const needed = pending + incoming;
    // Blocks double from the first push's size up to `blockBytes`: a small body (a page) holds on to about its own
    // size, not to a whole block. Past that, doubling keeps one huge element arriving in small chunks from being
    // copied again with every chunk.
    const size = exact
      ? needed
      : needed > blockBytes
        ? 2 * needed
        : Math.max(needed, Math.min(blockBytes, 2 * this.#block.length));
    const block = exact ? Buffer.allocUnsafe(size) : Buffer.allocUnsafeSlow(size);
    this.#block.copy(block, 0, this.#start, this.#end);
    this.#block = block;
    this.#owned = true;
    this.#scan.scanned -= this.#start;
    if (this.#scan.elementStart !== -1) this.#scan.elementStart -= this.#start;
    this.#start = 0;
    this.#end = pending;
  }

  #pieces(buffer: Buffer, spans: readonly Span[]): FilePiece[] {
    return recordPieces(buffer, spans, this.#format === "array" ? "json-array-items" : "ndjson");
  }

  /**
   * Why the bytes so far cannot be a whole file, or undefined when they can: a JSON array must end with its `]`, and
   * the last line of NDJSON that has no line break after it must be a whole JSON value. Call it before `finish()`.
   */
  cutShort(): string | undefined {
    if (this.#format === "array") {
      if (this.#scan.depth === 0 && !this.#scan.inString) return undefined;
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
    return elementTexts(buffer, spans);
  }

  /** `finish` for `pushRecords`. */
  finishRecords(): FilePiece[] {
    const { buffer, spans } = this.#finishSpans();
    return this.#pieces(buffer, spans);
  }

  #finishSpans(): { buffer: Buffer; spans: Span[] } {
    const buffer = this.#block.subarray(0, this.#end);
    const spans: Span[] = [];
    if (this.#format === "ndjson") scanLines(buffer, this.#start, spans, true);
    else if (this.#end > this.#start) spans.push({ start: this.#start, end: this.#end, complete: false });
    this.#commit(this.#end - this.#start);
    this.#start = this.#end;
    this.#scan.scanned = this.#end;
    this.#scan.elementStart = -1;
    return { buffer, spans };
  }

  /** Forgets everything after `committed`, to continue with the bytes from that offset. */
  rewind(): void {
    this.#end = this.#start;
    this.#format = this.#committedFormat;
    this.#scan = { ...startArrayScan(), depth: this.#committedDepth, scanned: this.#start };
  }

  #commit(bytes: number): void {
    this.#committed += bytes;
    this.#committedFormat = this.#format;
    this.#committedDepth = this.#scan.depth;
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
    this.#scan.scanned = index;
    return index;
  }
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
