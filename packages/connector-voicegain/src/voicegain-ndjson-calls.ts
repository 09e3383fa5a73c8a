import type { RawCalls } from "./voicegain-raw-page.ts";

/**
 * Collects calls written as JSON text into NDJSON raw records with each call's span, as a sink's bulk path reads a
 * JSON page's calls. The text is encoded straight into blocks of a few MiB, never copied again.
 */
export class NdjsonCalls {
  readonly #blockBytes: number;
  readonly #parts: RawCalls[] = [];
  #bytes = Buffer.allocUnsafe(0);
  #length = 0;
  #spans: number[] = [];
  #highest: number | undefined;
  #count = 0;

  constructor(blockBytes = 4 << 20) {
    this.#blockBytes = blockBytes;
  }

  /** How many calls were added. */
  get count(): number {
    return this.#count;
  }

  add(callId: number, json: string): void {
    // UTF-8 takes at most three bytes per UTF-16 unit; one more for the line break.
    const most = json.length * 3 + 1;
    if (this.#length + most > this.#bytes.length) {
      this.#close();
      this.#bytes = Buffer.allocUnsafe(Math.max(this.#blockBytes, most));
    }
    const start = this.#length;
    const end = start + this.#bytes.write(json, start, "utf8");
    this.#bytes[end] = 10;
    this.#length = end + 1;
    this.#spans.push(start, end);
    if (this.#highest === undefined || callId > this.#highest) this.#highest = callId;
    this.#count += 1;
  }

  /** The calls added, in the order added. */
  finish(): RawCalls[] {
    this.#close();
    return this.#parts;
  }

  #close(): void {
    if (this.#spans.length === 0) return;
    const count = this.#spans.length / 2;
    // Without the last line break, as a splitter cuts a JSON page's calls.
    const bytes = this.#bytes.subarray(0, this.#length - 1);
    this.#parts.push({
      records: { layout: "ndjson", bytes, count, spans: Uint32Array.from(this.#spans) },
      highestCallId: this.#highest,
    });
    this.#bytes = Buffer.allocUnsafe(0);
    this.#length = 0;
    this.#spans = [];
    this.#highest = undefined;
  }
}
