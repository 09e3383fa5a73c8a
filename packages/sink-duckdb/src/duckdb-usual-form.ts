import {
  type ColumnDefinition,
  type FieldMapping,
  type JsonShape,
  maxJsonDepth,
  type RecordMapping,
} from "@parley/core";

/**
 * Whether DuckDB's typed JSON reader, with the SQL `duckdb-mapping-sql.ts` generates from the same mapping, stores
 * exactly the row the JavaScript mapper and validator would store for this record (`value`, parsed from `text`).
 * That holds for the forms vendors send nearly always; any other record goes through the JavaScript mapper, which
 * knows every case and writes every reject reason. The reader turns a number into the text of its token (`7.0`) and
 * reads keys case-sensitively, so numbers in text fields, unknown or differently spelled keys are left to JavaScript.
 */
export function createUsualFormCheck(
  mapping: RecordMapping,
  columns: readonly ColumnDefinition[],
  requiredColumns: readonly string[],
): (value: unknown, text: string) => boolean {
  const known = new Set(mapping.fields.flatMap((field) => field.from));
  const shapeOf = new Map(columns.map((column) => [column.name, column.shape]));
  const fields = mapping.fields.map((field) => ({
    from: field.from,
    usual: usualValue[field.reading],
    shape: shapeOf.get(field.column),
    required: requiredColumns.includes(field.column),
    // "" is kept as text and read as null otherwise (SQL: NULLIF), except as JSON, where JavaScript reads it.
    emptyIsUnusual: field.reading === "json",
  }));
  const hasJson = mapping.fields.some((field) => field.reading === "json");
  return (value, text) => {
    if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
    if (text.includes("\\u") && repairedEscape.test(text)) return false;
    // Bytes that are not UTF-8 decode to U+FFFD here and stop DuckDB's reader: JavaScript stores them repaired.
    if (text.includes("\uFFFD")) return false;
    for (const key in value) if (!known.has(key)) return false;
    const record = value as Record<string, unknown>;
    for (const field of fields) {
      let present: unknown;
      let sent = 0;
      for (const name of field.from) {
        const sentValue = record[name];
        if (sentValue === undefined) continue;
        sent += 1;
        present = sentValue;
      }
      if (sent > 1) return false;
      // With alternatives, SQL names the field that carried a value; a null one it cannot tell from an absent one.
      if (present === null && field.from.length > 1) return false;
      if (present === "" && field.emptyIsUnusual) return false;
      if (present === undefined || present === null || present === "") {
        if (field.required) return false;
        continue;
      }
      if (!field.usual(present, field.shape)) return false;
    }
    return !hasJson || !nestedNearLimit(text);
  };
}

/** Escaped NULs and UTF-16 surrogates: text the JavaScript side repairs (or refuses) before storing. */
const repairedEscape = /\\u(0000|[dD][89a-fA-F])/;

const countPattern = /^[0-9]{1,15}$/;
const timestampPattern = /^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,6})?(\+00:00|Z)$/;
const daysInMonth = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function realDay(text: string): boolean {
  const year = Number(text.slice(0, 4));
  const month = Number(text.slice(5, 7));
  const day = Number(text.slice(8, 10));
  if (!(month >= 1 && month <= 12 && day >= 1)) return false;
  if (month === 2 && day === 29) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return day <= (daysInMonth[month - 1] as number);
}

const isObject = (item: unknown): boolean => typeof item === "object" && item !== null && !Array.isArray(item);

const shapes: Readonly<Record<JsonShape, (value: unknown) => boolean>> = {
  object: isObject,
  list: Array.isArray,
  "list of objects": (value) => Array.isArray(value) && value.every(isObject),
  "list of strings": (value) => Array.isArray(value) && value.every((item) => typeof item === "string"),
};

/** A non-null, non-empty value in the form SQL reads exactly like JavaScript, per reading. */
const usualValue: Readonly<Record<FieldMapping["reading"], (value: unknown, shape: JsonShape | undefined) => boolean>> =
  {
    text: (value) => typeof value === "string" || typeof value === "boolean",
    count: (value) => typeof value === "string" && countPattern.test(value),
    timestamp: (value) => typeof value === "string" && timestampPattern.test(value) && realDay(value),
    boolean: (value) => typeof value === "boolean" || value === "true" || value === "false",
    // Text holding JSON is parsed by JavaScript; numbers keep their token's spelling in DuckDB: both left to it.
    json: (value, shape) => typeof value === "object" && (shape === undefined || shapes[shape](value)),
  };

/** Holds as many brackets as the validator's depth limit allows nesting (a necessary condition for being too deep). */
function nestedNearLimit(text: string): boolean {
  const limit = maxJsonDepth - 10;
  if (text.length < 2 * limit) return false;
  let brackets = 0;
  for (const bracket of ["{", "["]) {
    for (let at = text.indexOf(bracket); at !== -1; at = text.indexOf(bracket, at + 1))
      if (++brackets >= limit) return true;
  }
  return false;
}

/**
 * The primary key of a record in a usual form (`createUsualFormCheck` holds), as the values DuckDB's reader casts
 * to the key columns: the sent value of the field, else the context's value (a field with a context fallback, or a
 * context column).
 */
export function createKeyReader(
  mapping: RecordMapping,
  primaryKey: readonly string[],
): (
  value: Record<string, unknown>,
  context: { readonly values: Readonly<Record<string, string | null>> },
) => unknown[] {
  const readers = primaryKey.map((column) => {
    const field = mapping.fields.find((candidate) => candidate.column === column);
    if (field === undefined)
      return (_value: Record<string, unknown>, values: Readonly<Record<string, string | null>>) =>
        values[column] ?? null;
    return (value: Record<string, unknown>, values: Readonly<Record<string, string | null>>) => {
      for (const name of field.from) {
        const sent = value[name];
        if (sent !== undefined && sent !== null) return typeof sent === "boolean" ? String(sent) : sent;
      }
      return field.contextFallback === true ? (values[column] ?? null) : null;
    };
  });
  return (value, context) => readers.map((read) => read(value, context.values));
}
