import { ValueProblem, wholeNumberField } from "@parley/core";
import {
  callScalarKeys,
  type KeyReader,
  type ScalarKey,
  usualJson,
  type ValueForm,
  valueForms,
} from "./voicegain-call-form.ts";
import { type CsvColumn, csvColumns } from "./voicegain-csv-layout.ts";
import { csvTimeInstants, pickCallInstants } from "./voicegain-time.ts";
import { callIdFrom } from "./voicegain-values.ts";

/** The previous call's start across the pages of one read, to order calls inside the repeated DST hour. */
export interface CsvTimeHint {
  lastStart: number | undefined;
}

/**
 * One CSV record as the JSON `VoiceCall` it stands for (vendor-apis §2.5), as JSON text, which the calls mapping
 * (voicegain-mapping.ts) then maps like any JSON page's call; or why it cannot be one.
 */
export type CsvCall =
  | { readonly ok: true; readonly callId: number; readonly json: string; readonly phase: string }
  | { readonly ok: false; readonly callId: number | undefined; readonly reason: string };

// The last instant an RFC 3339 time (four-digit years) can name; a later one is no time a call has.
const lastInstant = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

function csvTime(field: string, cell: string, zone: string): number[] | undefined {
  if (cell === "") return undefined;
  const instants = csvTimeInstants(cell, zone);
  if (instants === undefined || instants.some((instant) => instant > lastInstant))
    throw new ValueProblem(`${field}: ${JSON.stringify(cell)} is not a time like 05-12-2024 6:15:45 PM`);
  return instants;
}

/**
 * A column of this page: where its cell lies in each record, its key in the JSON call, and how it is read: the usual
 * forms of the key's reading, else `read` (the reading itself, or the column's own encoding).
 */
interface Placed {
  readonly csv: string;
  readonly at: number;
  readonly form: ValueForm;
  readonly read: KeyReader;
  readonly prefix: string;
}

/**
 * Builds the reader for one CSV page from its header row. Columns are found by name, not position (the vendor's own
 * script does the same; vendor-apis §2.6); undefined when the header has no callId.
 */
export function createCsvCallReader(
  header: readonly string[],
  zone: string,
  hint: CsvTimeHint = { lastStart: undefined },
): ((fields: readonly string[]) => CsvCall) | undefined {
  const index = new Map<string, number>();
  header.forEach((name, position) => {
    if (!index.has(name.trim())) index.set(name.trim(), position);
  });
  const position = (name: string): number => index.get(name) ?? -1;
  const callIdAt = index.get("callId");
  if (callIdAt === undefined) return undefined;
  const durationAt = position("duration");
  const startAt = position("startTime");
  const endAt = position("endTime");
  const phaseAt = position("progressPhase");
  const placed = (within: CsvColumn["within"]): Placed[] =>
    csvColumns
      .filter((column) => column.within === within && position(column.csv) !== -1)
      .map((column) => {
        const scalar = callScalarKeys.get(within === undefined ? column.key : `${within}.${column.key}`) as ScalarKey;
        return {
          csv: column.csv,
          at: position(column.csv),
          form: column.read === undefined ? scalar.form : valueForms.other,
          read: column.read ?? scalar.read,
          prefix: `"${column.key}":`,
        };
      });
  const top = placed(undefined);
  const nested = (["agent", "queue"] as const).map((within) => ({ prefix: `"${within}":{`, columns: placed(within) }));
  const readCells = (fields: readonly string[], columns: readonly Placed[]): string => {
    let json = "";
    for (const { csv, at, form, read, prefix } of columns) {
      const cell = fields[at] as string;
      if (cell === "") continue;
      const value = usualJson(form, cell) ?? read(csv, cell);
      if (value !== undefined) json += json === "" ? prefix + value : `,${prefix}${value}`;
    }
    return json;
  };

  return (fields) => {
    const callId = callIdFrom(fields[callIdAt]);
    if (fields.length !== header.length)
      return { ok: false, callId, reason: `the line has ${fields.length} fields, the header ${header.length}` };
    if (callId === undefined)
      return { ok: false, callId, reason: `callId: ${JSON.stringify(fields[callIdAt] ?? "")} is not a numeric id` };
    try {
      const durationCell = fields[durationAt] ?? "";
      const duration =
        durationCell !== "" && usualJson(valueForms.whole, durationCell) !== undefined
          ? Number(durationCell)
          : wholeNumberField("duration", durationCell);
      const starts = csvTime("startTime", fields[startAt] ?? "", zone);
      const ends = csvTime("endTime", fields[endAt] ?? "", zone);
      const { start, end } = pickCallInstants(starts, ends, duration ?? undefined, hint.lastStart);
      if (start !== undefined) hint.lastStart = start;
      let json = `{"callId":${callId}`;
      if (start !== undefined) json += `,"startTime":"${new Date(start).toISOString()}"`;
      if (end !== undefined) json += `,"endTime":"${new Date(end).toISOString()}"`;
      if (duration !== null) json += `,"duration":${duration}`;
      const cells = readCells(fields, top);
      if (cells !== "") json += `,${cells}`;
      for (const { prefix, columns } of nested) {
        const members = readCells(fields, columns);
        if (members !== "") json += `,${prefix}${members}}`;
      }
      return { ok: true, callId, json: `${json}}`, phase: fields[phaseAt] ?? "" };
    } catch (error) {
      if (error instanceof ValueProblem) return { ok: false, callId, reason: error.message };
      throw error;
    }
  };
}
