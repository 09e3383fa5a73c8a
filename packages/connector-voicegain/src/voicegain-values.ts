// Conversions shared by the JSON and CSV mappings, so both formats produce the same values.

export type CallRow = Record<string, unknown>;

export type MappedCall =
  | { readonly ok: true; readonly callId: number; readonly row: CallRow }
  | { readonly ok: false; readonly callId: number | undefined; readonly reason: string };

/** Thrown inside a mapping and turned into a reject naming the field; never escapes the mapping. */
export class FieldProblem extends Error {}

function shown(value: unknown): string {
  const text =
    typeof value === "string"
      ? JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value)
      : String(JSON.stringify(value));
  return text;
}

/**
 * callId is a string in JSON and an integer in CSV and `afterCallId` (vendor-apis §2.8 #1); rows keep one type,
 * an integer, because the export cursor compares callIds numerically.
 */
export function callIdFrom(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isSafeInteger(value) && value >= 0 ? value : undefined;
  if (typeof value === "string" && /^\d{1,15}$/.test(value.trim())) return Number(value.trim());
  return undefined;
}

export function callIdField(field: string, value: unknown): number | null {
  if (value === undefined || value === null || value === "") return null;
  const id = callIdFrom(value);
  if (id === undefined) throw new FieldProblem(`${field}: ${shown(value)} is not a numeric call id`);
  return id;
}

const numberPattern = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

export function floatField(field: string, value: unknown): number | null {
  if (value === undefined || value === null || value === "") return null;
  const number =
    typeof value === "number"
      ? value
      : typeof value === "string" && numberPattern.test(value.trim())
        ? Number(value)
        : Number.NaN;
  if (!Number.isFinite(number)) throw new FieldProblem(`${field}: ${shown(value)} is not a number`);
  return number;
}

export function integerField(field: string, value: unknown): number | null {
  const number = floatField(field, value);
  if (number !== null && !Number.isSafeInteger(number))
    throw new FieldProblem(`${field}: ${shown(value)} is not a whole number`);
  return number;
}

export function booleanField(field: string, value: unknown): boolean | null {
  if (value === undefined || value === null || value === "") return null;
  if (typeof value === "boolean") return value;
  if (typeof value === "string" && /^(true|false)$/i.test(value.trim())) return value.trim().toLowerCase() === "true";
  throw new FieldProblem(`${field}: ${shown(value)} is not true or false`);
}

export function stringField(field: string, value: unknown): string | null {
  if (value === undefined || value === null || value === "") return null;
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  throw new FieldProblem(`${field}: expected text, got ${shown(value)}`);
}

const isoPattern = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?([Zz]|[+-]\d{2}:?\d{2})?$/;

/** JSON times are RFC 3339 UTC (vendor-apis §2.5); one without an offset is read as UTC, as documented. */
export function jsonTimeField(field: string, value: unknown): string | null {
  if (value === undefined || value === null || value === "") return null;
  const match = typeof value === "string" ? isoPattern.exec(value) : null;
  const epoch = match === null ? Number.NaN : Date.parse(match[1] === undefined ? `${value}Z` : (value as string));
  if (Number.isNaN(epoch)) throw new FieldProblem(`${field}: ${shown(value)} is not an RFC 3339 date-time`);
  return new Date(epoch).toISOString();
}

export function stringList(field: string, value: unknown): string[] | null {
  if (value === undefined || value === null) return null;
  if (!Array.isArray(value)) throw new FieldProblem(`${field}: expected a list, got ${shown(value)}`);
  return value.map((item, index) => stringField(`${field}[${index}]`, item) ?? "");
}

export interface Marker {
  time: number | null;
  type: string | null;
  note: string | null;
}

export interface WordCloudItem {
  phrase: string | null;
  freq: number | null;
}

export interface DtmfEvent {
  dtmf: string | null;
  timestamp: number | null;
  channel: string | null;
}

// Fixed key order and explicit nulls: a JSON column compares equal only if both formats build the same text.
export function marker(field: string, time: unknown, type: unknown, note: unknown): Marker {
  return {
    time: integerField(`${field}.time`, time),
    type: stringField(`${field}.type`, type),
    note: stringField(`${field}.note`, note),
  };
}

export function wordCloudItem(field: string, phrase: unknown, freq: unknown): WordCloudItem {
  return { phrase: stringField(`${field}.phrase`, phrase), freq: integerField(`${field}.freq`, freq) };
}

export function dtmfEvent(field: string, dtmf: unknown, timestamp: unknown, channel: unknown): DtmfEvent {
  return {
    dtmf: stringField(`${field}.dtmf`, dtmf),
    timestamp: integerField(`${field}.timestamp`, timestamp),
    channel: stringField(`${field}.channel`, channel),
  };
}
