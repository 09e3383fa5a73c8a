import { open } from "node:fs/promises";
import { join } from "node:path";
import {
  createRecordMapper,
  createRecordValidator,
  jsonBytes,
  MainThreadTurns,
  mapRecordText,
  type RawRecordPart,
  type RawRecords,
  type RecordContext,
  type RecordMapping,
  type RejectedRecord,
  rawRecordTexts,
  rejectPayload,
  type StreamDefinition,
  type ValidatedRow,
} from "@parley/core";
import { mergeKeyOf } from "@parley/core/warehouse";
import { createUsualFormScanner } from "./duckdb-usual-scan.ts";

export type MappedStream = StreamDefinition & { readonly mapping: RecordMapping };

/**
 * A batch of raw records made ready for DuckDB: the records in the usual forms staged as the bytes they arrived
 * in, every other record mapped in JavaScript (a row with its place in the batch, or a reject).
 */
export interface PreparedRawBatch {
  readonly files: readonly StagedRawFile[];
  readonly contexts: readonly RecordContext[];
  /** Rows of records JavaScript mapped; `position` sorts them among the staged records' rowids. */
  readonly rows: readonly { readonly position: number; readonly row: ValidatedRow }[];
  readonly rejects: readonly RejectedRecord[];
  /**
   * How DuckDB may read the staged records: straight into the table inside the write's transaction (an append; a
   * merge whose keys do not repeat, with `keys` to delete first), or through a temporary table that ranks the rows
   * (a replace; a merge repeating a key).
   */
  readonly read:
    | { readonly kind: "direct"; readonly keys: readonly Record<string, unknown>[] }
    | { readonly kind: "ranked" };
}

/** A file of staged records that share a context and a layout. */
export interface StagedRawFile {
  readonly path: string;
  readonly layout: RawRecords["layout"];
  readonly context: RecordContext;
}

// Files of about this size let DuckDB read a batch on every core (it reads a JSON array file on one thread).
const fileBytes = 16 * 1024 * 1024;
const separators = { ndjson: Buffer.from("\n"), "json-array-items": Buffer.from(",") } as const;
// Records JavaScript maps sit between the staged records' rowids: after the ones read before them, in order.
const slotsBetweenRowids = 2 ** 20;

/** Maps raw records in JavaScript (mapper, then validator), collecting the rejects. */
export function javaScriptMapper(stream: MappedStream, rejects: RejectedRecord[]) {
  const mapper = createRecordMapper(
    stream.mapping,
    stream.columns.map((column) => column.name),
    stream.primaryKey ?? [],
  );
  const validate = createRecordValidator(stream);
  return (text: string, context: RecordContext): ValidatedRow | undefined => {
    const mapped = mapRecordText(mapper, text, context);
    if (!mapped.ok) {
      rejects.push({ stream: stream.name, payload: rejectPayload(mapped.raw), reason: mapped.reason });
      return undefined;
    }
    const validated = validate(mapped.row);
    if (validated.ok) return validated.row;
    rejects.push({ stream: stream.name, payload: rejectPayload(mapped.row), reason: validated.reason });
    return undefined;
  };
}

/**
 * Scans each record's bytes once to tell the usual forms (`duckdb-usual-scan.ts`) from the rest, maps the rest in
 * JavaScript, and writes the usual ones for DuckDB's reader as the bytes they arrived in (as NDJSON lines, array
 * items too unless one spans lines: then as array items inside brackets), never decoded or serialised again. Runs
 * while the previous batch is written.
 */
export async function prepareRawBatch(
  directory: string,
  name: string,
  stream: MappedStream,
  parts: readonly RawRecordPart[],
): Promise<PreparedRawBatch> {
  const primaryKey = stream.primaryKey ?? [];
  const scanner = createUsualFormScanner(stream.mapping, stream.columns, primaryKey);
  // Only a merge needs the keys: to delete them first, and to tell whether one repeats (as the warehouse compares them).
  const merge = stream.writeDisposition === "merge";
  const keyOf = mergeKeyOf(primaryKey, stream.columns);
  const keys: Record<string, unknown>[] = [];
  const seen = new Set<unknown>();
  let repeated = false;
  // Called only while keys are wanted: in a merge, until one repeats (the ranked read needs none).
  const noteKey = (key: Record<string, unknown>) => {
    const compared = keyOf(key);
    if (seen.has(compared)) repeated = true;
    seen.add(compared);
    keys.push(key);
  };
  const rejects: RejectedRecord[] = [];
  const mapInJavaScript = javaScriptMapper(stream, rejects);
  const rows: { position: number; row: ValidatedRow }[] = [];
  // The previous batch's statements complete through this thread; a whole batch scanned in one go stalls them.
  const turns = new MainThreadTurns();
  const groups: { layout: RawRecords["layout"]; context: RecordContext; buffers: Uint8Array[]; bytes: number }[] = [];
  let staged = 0;
  let slot = 0;
  for (const part of parts) {
    for (const { bytes, spans } of recordSpans(part.records)) {
      // DuckDB reads lines faster than array items (measured ~25% less time per batch): array items with no line
      // break inside go out as lines, each record on its own.
      const asLines = part.records.layout === "json-array-items" && !breakInside(bytes, spans);
      const layout = asLines ? "ndjson" : part.records.layout;
      let group = groups.at(-1);
      if (group?.context !== part.context || group.layout !== layout || group.bytes >= fileBytes) {
        group = { layout, context: part.context, buffers: [], bytes: 0 };
        groups.push(group);
      }
      const target = group;
      const stage = (buffer: Uint8Array) => {
        if (target.buffers.length > 0) target.buffers.push(separators[layout]);
        target.buffers.push(buffer);
        target.bytes += buffer.byteLength;
      };
      // Otherwise consecutive usual records are staged as one slice of the bytes they arrived in.
      let runStart = -1;
      let runEnd = -1;
      const flush = () => {
        if (runStart !== -1) stage(bytes.subarray(runStart, runEnd));
        runStart = -1;
      };
      for (let index = 0; index < spans.length; index += 2) {
        if (turns.due()) await turns.give();
        const start = spans[index] as number;
        const end = spans[index + 1] as number;
        if (scanner.usual(bytes, start, end)) {
          if (merge && !repeated) noteKey(scanner.key(part.context.values));
          staged += 1;
          slot = 0;
          if (asLines) stage(bytes.subarray(start, end));
          else {
            if (runStart === -1) runStart = start;
            runEnd = end;
          }
          continue;
        }
        flush();
        const row = mapInJavaScript(bytes.toString("utf8", start, end).trim(), part.context);
        slot += 1;
        if (row === undefined) continue;
        if (merge && !repeated) noteKey(Object.fromEntries(primaryKey.map((column) => [column, row[column]])));
        rows.push({ position: staged - 1 + slot / slotsBetweenRowids, row });
      }
      flush();
    }
  }
  const files = await Promise.all(
    groups
      .filter((group) => group.buffers.length > 0)
      .map(async (group, index) => {
        const path = join(directory, `${name}-${index}.json`);
        const file = await open(path, "w", 0o600);
        try {
          const array = group.layout === "json-array-items";
          await file.writev(array ? [Buffer.from("["), ...group.buffers, Buffer.from("]")] : group.buffers);
        } finally {
          await file.close();
        }
        return { path, layout: group.layout, context: group.context };
      }),
  );
  const contexts = [...new Set(files.map((file) => file.context))];
  const direct = stream.writeDisposition === "append" || (merge && !repeated);
  return { files, contexts, rows, rejects, read: direct ? { kind: "direct", keys } : { kind: "ranked" } };
}

/** Whether a line break lies inside a record (a pretty-printed array's items), where a line cannot hold it. */
function breakInside(bytes: Buffer, spans: Uint32Array): boolean {
  let next = -1;
  for (let index = 0; index < spans.length; index += 2) {
    const start = spans[index] as number;
    if (next < start) {
      next = bytes.indexOf(jsonBytes.newline, start);
      if (next === -1) return false;
    }
    if (next < (spans[index + 1] as number)) return true;
  }
  return false;
}

/**
 * Each record's place in the bytes: the producer's offsets, or, without them, each record on its own (split as
 * text, then encoded again).
 */
function recordSpans(records: RawRecords): { bytes: Buffer; spans: Uint32Array }[] {
  const bytes = Buffer.from(records.bytes.buffer, records.bytes.byteOffset, records.bytes.byteLength);
  if (records.spans !== undefined) return [{ bytes, spans: records.spans }];
  return rawRecordTexts(records).map((text) => {
    const encoded = Buffer.from(text);
    return { bytes: encoded, spans: Uint32Array.of(0, encoded.length) };
  });
}
