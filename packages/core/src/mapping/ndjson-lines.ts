import { isSpace, jsonBytes, type Span } from "./json-array-scan.ts";

const { newline } = jsonBytes;

/**
 * The NDJSON lines in `buffer` from `from` that a line break ends, and with `final` the last one without it too, as
 * spans from their first non-blank byte (blank lines give none). Returns where the next line starts.
 */
export function scanLines(buffer: Buffer, from: number, spans: Span[], final: boolean): number {
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
    start = Math.min(end + 1, buffer.length);
  }
  return start;
}
