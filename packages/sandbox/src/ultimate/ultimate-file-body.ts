import type { UltimateDayPlan, UltimateGenerator } from "./ultimate-generator.ts";
import type { UltimateApiVersion, UltimateFileFormat } from "./ultimate-options.ts";

export interface FileBodySource {
  readonly generator: UltimateGenerator;
  readonly plan: UltimateDayPlan;
  /** Which file of the day; omitted: every file of the day as one body. */
  readonly file?: number;
  readonly version: UltimateApiVersion;
  readonly format: UltimateFileFormat;
}

const chunkCharacters = 64 * 1024;

/** The file's text in ~64 KB pieces, produced record by record so a 1 GB day never sits in memory. */
export function* fileTextChunks(source: FileBodySource): Generator<string> {
  const { generator, plan, version, format } = source;
  const first = source.file ?? 0;
  const last = source.file ?? plan.files - 1;
  const pieces: string[] = [format === "ndjson" ? "" : format === "array" ? "[" : "[\n"];
  let size = 0;
  let written = 0;
  for (let file = first; file <= last; file++) {
    const [start, end] = generator.fileRange(plan, file);
    for (let position = start; position < end; position++) {
      const text = serialize(generator.recordTextAt(plan, position, version), format, written === 0);
      written++;
      pieces.push(text);
      size += text.length;
      if (size >= chunkCharacters) {
        yield pieces.join("");
        pieces.length = 0;
        size = 0;
      }
    }
  }
  if (format === "array") pieces.push("]");
  if (format === "array-pretty") pieces.push(written === 0 ? "]\n" : "\n]\n");
  const rest = pieces.join("");
  if (rest.length > 0) yield rest;
}

/** The bytes from `start` (inclusive) to `end` (exclusive), regenerating and skipping what comes before. */
export function* fileByteChunks(source: FileBodySource, start = 0, end = Number.POSITIVE_INFINITY): Generator<Buffer> {
  let offset = 0;
  for (const text of fileTextChunks(source)) {
    if (offset >= end) return;
    // Measuring is cheaper than encoding, so chunks wholly before `start` are only measured.
    if (offset < start && offset + Buffer.byteLength(text) <= start) {
      offset += Buffer.byteLength(text);
      continue;
    }
    const buffer = Buffer.from(text);
    const length = buffer.length;
    yield offset >= start && offset + length <= end
      ? buffer
      : buffer.subarray(Math.max(0, start - offset), Math.min(length, end - offset));
    offset += length;
  }
}

export function fileByteLength(source: FileBodySource): number {
  let length = 0;
  for (const text of fileTextChunks(source)) length += Buffer.byteLength(text);
  return length;
}

function serialize(record: string, format: UltimateFileFormat, first: boolean): string {
  if (format === "ndjson") return `${record}\n`;
  if (format === "array") return first ? record : `,${record}`;
  const pretty = `  ${JSON.stringify(JSON.parse(record), null, 2).replaceAll("\n", "\n  ")}`;
  return first ? pretty : `,\n${pretty}`;
}
