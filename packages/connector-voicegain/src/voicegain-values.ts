// Conversions shared by the JSON and CSV mappings, so both formats produce the same values.
import { invalid, type Reading, readField, shownValue, ValueProblem } from "@parley/core";

export type CallRow = Record<string, unknown>;

export type MappedCall =
  | { readonly ok: true; readonly callId: number; readonly row: CallRow }
  | { readonly ok: false; readonly callId: number | undefined; readonly reason: string };

const empty = (value: unknown): boolean => value === undefined || value === null || value === "";

/**
 * callId is a string in JSON and an integer in CSV and `afterCallId` (vendor-apis §2.8 #1); rows keep one type,
 * an integer, because the export cursor compares callIds numerically.
 */
export function callIdFrom(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isSafeInteger(value) && value >= 0 ? value : undefined;
  if (typeof value === "string" && /^\d{1,15}$/.test(value.trim())) return Number(value.trim());
  return undefined;
}

// Readings in core's vocabulary (value, null for absent or empty, or `invalid`), shared by the JSON and CSV mappings.
const toCallId = (value: unknown): Reading<number> => (empty(value) ? null : (callIdFrom(value) ?? invalid));

const numberPattern = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

const toFloat = (value: unknown): Reading<number> => {
  if (empty(value)) return null;
  const number =
    typeof value === "number"
      ? value
      : typeof value === "string" && numberPattern.test(value.trim())
        ? Number(value)
        : Number.NaN;
  return Number.isFinite(number) ? number : invalid;
};

const toInteger = (value: unknown): Reading<number> => {
  const number = toFloat(value);
  return number === null || number === invalid || Number.isSafeInteger(number) ? number : invalid;
};

const toFlag = (value: unknown): Reading<boolean> => {
  if (empty(value)) return null;
  if (typeof value === "boolean") return value;
  if (typeof value === "string" && /^(true|false)$/i.test(value.trim())) return value.trim().toLowerCase() === "true";
  return invalid;
};

const toCellText = (value: unknown): Reading<string> => {
  if (empty(value)) return null;
  if (typeof value === "string") return value;
  return typeof value === "number" || typeof value === "boolean" ? String(value) : invalid;
};

export function callIdField(field: string, value: unknown): number | null {
  return readField(field, value, toCallId, "a numeric call id");
}

export function floatField(field: string, value: unknown): number | null {
  // A float that is a whole number too large or not a number says "not a number", as an integer field would.
  return readField(field, value, toFloat, "a number");
}

export function integerField(field: string, value: unknown): number | null {
  const number = readField(field, value, toFloat, "a number");
  return number === null || Number.isSafeInteger(number)
    ? number
    : readField(field, value, toInteger, "a whole number");
}

export function booleanField(field: string, value: unknown): boolean | null {
  return readField(field, value, toFlag, "true or false");
}

export function stringField(field: string, value: unknown): string | null {
  const text = toCellText(value);
  if (text === invalid) throw new ValueProblem(`${field}: expected text, got ${shownValue(value)}`);
  return text;
}

const isoPattern = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?([Zz]|[+-]\d{2}:?\d{2})?$/;

/** JSON times are RFC 3339 UTC (vendor-apis §2.5); one without an offset is read as UTC, as documented. */
const toJsonTime = (value: unknown): Reading<string> => {
  if (empty(value)) return null;
  const match = typeof value === "string" ? isoPattern.exec(value) : null;
  const epoch = match === null ? Number.NaN : Date.parse(match[1] === undefined ? `${value}Z` : (value as string));
  return Number.isNaN(epoch) ? invalid : new Date(epoch).toISOString();
};

export function jsonTimeField(field: string, value: unknown): string | null {
  return readField(field, value, toJsonTime, "an RFC 3339 date-time");
}

export function stringList(field: string, value: unknown): string[] | null {
  if (value === undefined || value === null) return null;
  if (!Array.isArray(value)) throw new ValueProblem(`${field}: expected a list, got ${shownValue(value)}`);
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
