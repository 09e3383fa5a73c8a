import { MainThreadTurns } from "@parley/core";
import { type CsvCall, type CsvTimeHint, createCsvCallReader } from "./voicegain-csv-calls.ts";
import { CsvParser, csvLine } from "./voicegain-csv-parser.ts";
import { NdjsonCalls } from "./voicegain-ndjson-calls.ts";
import type { RawCalls } from "./voicegain-raw-page.ts";
import { mapJsonCall } from "./voicegain-records.ts";
import type { CallRow } from "./voicegain-values.ts";

/** One call of a page: a row, or what arrived and why it cannot be a row. Both carry the callId when it is readable. */
export type PageEntry =
  | { readonly kind: "call"; readonly callId: number; readonly row: CallRow }
  | { readonly kind: "reject"; readonly callId: number | undefined; readonly raw: unknown; readonly reason: string };

export interface ParsedBody {
  readonly entries: PageEntry[];
  readonly raw: RawCalls[];
  /** How many calls the page holds (those left out included). */
  readonly calls: number;
  /** Calls left out of `raw` because they are still being processed (`CsvOptions.onlyFinished`). */
  readonly unfinished?: number;
  readonly bytes: number;
}

/** Phases of a call that is done being processed; any other is still changing (vendor-apis §2.5). */
export const finishedPhases: ReadonlySet<string> = new Set(["DONE", "ERROR"]);

/** How a CSV page's calls are handed on. */
export interface CsvOptions {
  /** As NDJSON raw records of their JSON calls, for a sink's bulk path; otherwise mapped here. */
  readonly raw: boolean;
  /**
   * A window export, which keeps only finished calls: the header must name each call's phase, and with `raw` calls
   * still being processed are left out here (counted in `unfinished`).
   */
  readonly onlyFinished?: boolean;
}

/** A body that cannot be read as a page at all (not a JSON list, a CSV without a callId column). */
export class UnreadableBody extends Error {}

/** A `format=json` page: a bare array of VoiceCall objects (vendor-apis §2.4). */
export async function readJsonBody(body: AsyncIterable<Buffer>): Promise<ParsedBody> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of body) {
    chunks.push(chunk);
    bytes += chunk.length;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.concat(chunks, bytes).toString("utf8"));
  } catch (cause) {
    throw new UnreadableBody(`the body is not JSON (${(cause as Error).message})`);
  }
  if (!Array.isArray(parsed)) throw new UnreadableBody("the body is not a JSON list of calls");
  const entries = parsed.map((item): PageEntry => {
    const mapped = mapJsonCall(item);
    return mapped.ok
      ? { kind: "call", callId: mapped.callId, row: mapped.row }
      : { kind: "reject", callId: mapped.callId, raw: item, reason: mapped.reason };
  });
  return { entries, raw: [], calls: entries.length, bytes };
}

/**
 * A `format=csv` page: a header row, then one record per call; parsed as it streams in (RFC 4180), so the body
 * text is never held whole. Each record becomes the JSON call it stands for (voicegain-csv-calls.ts): with `raw`,
 * handed on as NDJSON raw records for a sink's bulk path, otherwise mapped here; records that cannot be calls are
 * rejects either way.
 */
export async function readCsvBody(
  body: AsyncIterable<Buffer>,
  zone: string,
  hint: CsvTimeHint,
  { raw, onlyFinished = false }: CsvOptions = { raw: false },
): Promise<ParsedBody> {
  const decoder = new TextDecoder("utf-8");
  const parser = new CsvParser();
  const entries: PageEntry[] = [];
  const ndjson = new NdjsonCalls();
  let header: string[] | undefined;
  let reader: ((fields: readonly string[]) => CsvCall) | undefined;
  let bytes = 0;
  let unfinished = 0;
  const take = (records: ReturnType<CsvParser["push"]>): void => {
    for (const record of records) {
      if ("broken" in record) {
        entries.push({
          kind: "reject",
          callId: undefined,
          raw: record.broken,
          reason: `broken CSV line: ${record.reason}`,
        });
        continue;
      }
      if (reader === undefined) {
        header = record.fields;
        reader = createCsvCallReader(header, zone, hint);
        if (reader === undefined)
          throw new UnreadableBody(
            `the CSV header has no callId column (columns: ${header.slice(0, 8).join(", ")}...)`,
          );
        if (onlyFinished && !header.includes("progressPhase"))
          throw new UnreadableBody(
            `the CSV header has no progressPhase column, which a window export needs to keep only finished calls (columns: ${header.slice(0, 8).join(", ")}...)`,
          );
        continue;
      }
      const call = reader(record.fields);
      if (!call.ok) {
        entries.push({ kind: "reject", callId: call.callId, raw: csvLine(record.fields), reason: call.reason });
      } else if (raw && onlyFinished && !finishedPhases.has(call.phase)) {
        unfinished += 1;
      } else if (raw) {
        ndjson.add(call.callId, call.json);
      } else {
        const mapped = mapJsonCall(JSON.parse(call.json));
        entries.push(
          mapped.ok
            ? { kind: "call", callId: mapped.callId, row: mapped.row }
            : { kind: "reject", callId: mapped.callId, raw: csvLine(record.fields), reason: mapped.reason },
        );
      }
    }
  };
  let first = true;
  // Buffered chunks arrive as microtasks: without turns a page is read in one go while the sink's previous batch
  // waits for the main thread (measured, 50k calls: DuckDB's first write began only after the last page).
  const turns = new MainThreadTurns();
  for await (const chunk of body) {
    if (turns.due()) await turns.give();
    bytes += chunk.length;
    let text = decoder.decode(chunk, { stream: true });
    if (first && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    first = false;
    take(parser.push(text));
  }
  take(parser.push(decoder.decode()));
  const last = parser.end();
  // Rows end with a line break; a last row without one is whole only if it has every field and its quotes close.
  const cut = last.find((record) => "broken" in record || record.fields.length !== header?.length);
  if (cut !== undefined && header !== undefined)
    throw new UnreadableBody("the CSV body breaks off inside a row (the page was cut short)");
  take(last);
  return { entries, raw: ndjson.finish(), calls: entries.length + ndjson.count + unfinished, unfinished, bytes };
}
