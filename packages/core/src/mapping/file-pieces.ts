import type { Span } from "./json-array-scan.ts";
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

/** Each span's text, trimmed; blank ones (space between elements) left out. */
export function elementTexts(buffer: Buffer, spans: readonly Span[]): FileElement[] {
  const elements: FileElement[] = [];
  for (const span of spans) {
    const text = buffer.toString("utf8", span.start, span.end).trim();
    if (text !== "") elements.push({ text, complete: span.complete });
  }
  return elements;
}

/** Runs of whole elements as views of `buffer` with their offsets in it, and each broken element as text. */
export function recordPieces(buffer: Buffer, spans: readonly Span[], layout: RawRecords["layout"]): FilePiece[] {
  const pieces: FilePiece[] = [];
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
