import { checkJsonValue, describeValue as describe, isStorableText, type JsonCheck, repairText } from "./json-value.ts";
import type { ColumnDefinition, LogicalType } from "./logical-type.ts";
import type { StreamDefinition } from "./stream-definition.ts";

/** A record as a source emits it: field names to values. */
export type SourceRecord = Readonly<Record<string, unknown>>;

/** A record checked against its stream's columns: exactly the declared columns, values normalised. */
export type ValidatedRow = Record<string, unknown>;

export type RecordValidation =
  | { readonly ok: true; readonly row: ValidatedRow }
  | { readonly ok: false; readonly reason: string };

// Offsets are required: a naive time is ambiguous, and guessing a zone silently shifts data.
export const timestampPattern =
  /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)(Z|[+-]\d{2}(?::?\d{2})?)$/i;
const datePattern = /^\d{4}-\d{2}-\d{2}$/;

/** Why a value does not fit its column; the only allocation a normaliser makes, and only for a misfit. */
class Misfit {
  readonly reason: string;
  constructor(reason: string) {
    this.reason = reason;
  }
}

// Returns the value to store, or a Misfit: it runs for every column of every record, so a fit allocates nothing.
type Normaliser = (value: unknown) => unknown;

const daysInMonth = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** `YYYY-MM-DD` names a real calendar day. Arithmetic, not `Date`: it runs for every timestamp of every record. */
export function isRealDate(datePart: string): boolean {
  return isRealDay(Number(datePart.slice(0, 4)), Number(datePart.slice(5, 7)), Number(datePart.slice(8, 10)));
}

/** The year, month (1-12) and day name a real calendar day (a scanner reading them from bytes asks this too). */
export function isRealDay(year: number, month: number, day: number): boolean {
  if (!(month >= 1 && month <= 12 && day >= 1)) return false;
  if (month === 2 && day === 29) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return day <= (daysInMonth[month - 1] as number);
}

const misfit = (reason: string): Misfit => new Misfit(reason);

function fromJsonCheck(check: JsonCheck): unknown {
  return typeof check === "string" ? misfit(check) : check.value;
}

const normalisers: Record<LogicalType, Normaliser> = {
  string: (value) =>
    typeof value === "string" ? repairText(value) : misfit(`expected a string, got ${describe(value)}`),
  integer: (value) => {
    if (typeof value === "bigint") return value;
    if (typeof value === "number" && Number.isSafeInteger(value)) return value;
    return misfit(`expected an integer, got ${describe(value)}`);
  },
  float: (value) =>
    typeof value === "number" && Number.isFinite(value)
      ? value
      : misfit(`expected a finite number, got ${describe(value)}`),
  boolean: (value) => (typeof value === "boolean" ? value : misfit(`expected a boolean, got ${describe(value)}`)),
  timestamp: (value) => {
    if (value instanceof Date) {
      return Number.isNaN(value.getTime()) ? misfit("expected a timestamp, got an invalid Date") : value.toISOString();
    }
    if (typeof value !== "string")
      return misfit(`expected an ISO 8601 timestamp with a time zone, got ${describe(value)}`);
    const match = timestampPattern.exec(value);
    if (match === null || !isRealDate(match[1] as string)) {
      return misfit(
        `expected an ISO 8601 timestamp with a time zone (e.g. 2024-05-03T08:10:01Z), got ${describe(value)}`,
      );
    }
    return value;
  },
  date: (value) =>
    typeof value === "string" && datePattern.test(value) && isRealDate(value)
      ? value
      : misfit(`expected a date YYYY-MM-DD, got ${describe(value)}`),
  json: (value) => fromJsonCheck(checkJsonValue(value, undefined)),
};

/** A key must stay what the vendor sent: repaired, two different keys could become one, so such a record is a reject. */
const keyString: Normaliser = (value) => {
  if (typeof value !== "string") return misfit(`expected a string, got ${describe(value)}`);
  return isStorableText(value)
    ? value
    : misfit("a key holds a NUL character or half a UTF-16 surrogate pair, which no warehouse stores unchanged");
};

function normaliserFor(column: ColumnDefinition, isKey: boolean): Normaliser {
  if (column.shape !== undefined) {
    if (column.type !== "json") throw new TypeError(`column ${column.name}: only json columns declare a shape`);
    const shape = column.shape;
    return (value) => fromJsonCheck(checkJsonValue(value, shape));
  }
  return isKey && column.type === "string" ? keyString : normalisers[column.type];
}

interface CheckedColumn {
  readonly name: string;
  readonly required: boolean;
  readonly normalise: Normaliser;
}

type CompiledCheck = (
  record: SourceRecord,
  normalisers: readonly Normaliser[],
  failure: (index: number, problem: Misfit | undefined) => RecordValidation,
) => RecordValidation;

/**
 * The check of one stream as a function of its own: every column read and written under a constant name, and the
 * row built as one object literal. It runs for every record; the generic loop (a keyed read and write per column)
 * measured about three times slower on 57 columns. Column names only ever appear as JSON string literals.
 */
function compileCheck(columns: readonly CheckedColumn[]): CompiledCheck {
  const lines = columns.map((column, index) => {
    const name = JSON.stringify(column.name);
    const absent = column.required ? `return failure(${index}, undefined);` : `v${index} = null;`;
    return `let v${index} = record[${name}];
if (v${index} === undefined || v${index} === null) { ${absent} }
else { v${index} = normalisers[${index}](v${index}); if (v${index} instanceof Misfit) return failure(${index}, v${index}); }`;
  });
  // A quoted `__proto__` key in a literal would set the prototype; the computed form makes it an ordinary column.
  const key = (name: string) => (name === "__proto__" ? `["__proto__"]` : JSON.stringify(name));
  const row = columns.map((column, index) => `${key(column.name)}: v${index}`).join(", ");
  const body = `${lines.join("\n")}\nreturn { ok: true, row: { ${row} } };`;
  return new Function("Misfit", `return (record, normalisers, failure) => {\n${body}\n};`)(Misfit) as CompiledCheck;
}

/**
 * Builds the per-stream check the runner applies to every record before it reaches a sink.
 * A failing record becomes a reject with the returned reason; it is never dropped silently.
 * Fields the stream does not declare are ignored: a connector that must keep unknown vendor fields
 * declares a `json` column for them.
 */
export function createRecordValidator(stream: StreamDefinition): (record: SourceRecord) => RecordValidation {
  const primaryKey = new Set(stream.primaryKey ?? []);
  const columns: CheckedColumn[] = stream.columns.map((column: ColumnDefinition) => ({
    name: column.name,
    required: column.nullable === false || primaryKey.has(column.name),
    normalise: normaliserFor(column, primaryKey.has(column.name)),
  }));
  const normalisers = columns.map((column) => column.normalise);
  const failure = (index: number, problem: Misfit | undefined): RecordValidation => {
    const name = (columns[index] as CheckedColumn).name;
    return {
      ok: false,
      reason: `column "${name}": ${problem === undefined ? "required but missing" : problem.reason}`,
    };
  };
  const check = compileCheck(columns);
  return (record) => {
    if (typeof record !== "object" || record === null || Array.isArray(record)) {
      return { ok: false, reason: `expected an object record, got ${describe(record)}` };
    }
    return check(record, normalisers, failure);
  };
}
