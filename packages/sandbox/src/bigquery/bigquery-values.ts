import { duckdbColumnType, type FieldSchema, type StoredType } from "./bigquery-schema.ts";

/** A value converted for DuckDB's reader (text, cast by `castExpression`), or the reason it cannot be loaded. */
export type Converted = { ok: true; text: string | null } | { ok: false; reason: string };

const timestampPattern =
  /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.(\d{1,9}))?)?)?\s*(Z|UTC|[+-]\d{1,2}(?::?\d{2})?)?$/i;

function describe(value: unknown): string {
  if (typeof value === "string") return `string_value: ${JSON.stringify(value)}`;
  if (typeof value === "number") return `number_value: ${value}`;
  if (typeof value === "boolean") return `bool_value: ${value}`;
  return Array.isArray(value) ? "list_value" : "struct_value";
}

function fail(type: string, field: FieldSchema, value: unknown): Converted {
  const shown = typeof value === "object" ? JSON.stringify(value) : String(value);
  return {
    ok: false,
    reason: `Could not convert value '${describe(value)}' to ${type}. Field: ${field.name}; Value: ${shown}`,
  };
}

/** Microseconds since the epoch of a BigQuery timestamp text (zone optional, UTC by default), or undefined. */
export function parseTimestampMicros(text: string): bigint | undefined {
  const match = timestampPattern.exec(text.trim());
  if (match === null) return undefined;
  const [, year, month, day, hour = "0", minute = "0", second = "0", fraction = "", zone = "Z"] = match;
  const millis = Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second));
  const check = new Date(millis);
  if (
    check.getUTCDate() !== Number(day) ||
    check.getUTCMonth() !== Number(month) - 1 ||
    Number(hour) > 23 ||
    Number(minute) > 59 ||
    Number(second) > 59
  )
    return undefined;
  let offsetMinutes = 0;
  if (!/^(Z|UTC)$/i.test(zone)) {
    const zoneMatch = /^([+-])(\d{1,2}):?(\d{2})?$/.exec(zone) as RegExpExecArray;
    offsetMinutes = (zoneMatch[1] === "-" ? -1 : 1) * (Number(zoneMatch[2]) * 60 + Number(zoneMatch[3] ?? 0));
  }
  const micros = BigInt(`${fraction}000000`.slice(0, 6));
  return (BigInt(millis) - BigInt(offsetMinutes) * 60_000n) * 1000n + micros;
}

const converters: Record<Exclude<StoredType, "RECORD">, (value: unknown, field: FieldSchema) => Converted> = {
  STRING: (value, field) =>
    typeof value === "object" ? fail("string", field, value) : { ok: true, text: String(value) },
  INTEGER: (value, field) => {
    const text =
      typeof value === "number" && Number.isInteger(value)
        ? String(value)
        : typeof value === "string"
          ? value.trim()
          : undefined;
    if (text === undefined || !/^[+-]?\d+$/.test(text)) return fail("integer", field, value);
    const big = BigInt(text);
    return big > 9223372036854775807n || big < -9223372036854775808n
      ? fail("integer", field, value)
      : { ok: true, text: big.toString() };
  },
  FLOAT: (value, field) => {
    if (typeof value === "number") return { ok: true, text: String(value) };
    if (
      typeof value === "string" &&
      (/^(NaN|[+-]?Infinity|inf|-inf)$/i.test(value) || (value.trim() !== "" && Number.isFinite(Number(value))))
    )
      return { ok: true, text: value };
    return fail("double", field, value);
  },
  BOOLEAN: (value, field) => {
    if (typeof value === "boolean") return { ok: true, text: String(value) };
    if (typeof value === "string" && /^(true|false)$/i.test(value)) return { ok: true, text: value.toLowerCase() };
    return fail("boolean", field, value);
  },
  TIMESTAMP: (value, field) => {
    if (typeof value === "number" && Number.isFinite(value))
      return { ok: true, text: String(BigInt(Math.round(value * 1_000_000))) };
    const micros = typeof value === "string" ? parseTimestampMicros(value) : undefined;
    if (micros === undefined) {
      return {
        ok: false,
        reason: `Couldn't convert value to timestamp: Could not parse '${String(value)}' as a timestamp. Required format is YYYY-MM-DD HH:MM[:SS[.SSSSSS]]; Field: ${field.name}; Value: ${String(value)}`,
      };
    }
    return { ok: true, text: micros.toString() };
  },
  DATE: (value, field) => {
    const match = typeof value === "string" ? /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(value) : null;
    const text =
      match === null
        ? undefined
        : `${match[1]}-${(match[2] as string).padStart(2, "0")}-${(match[3] as string).padStart(2, "0")}`;
    if (text === undefined || !new Date(`${text}T00:00:00Z`).toISOString().startsWith(text)) {
      return {
        ok: false,
        reason: `Couldn't convert value to date: Could not parse '${String(value)}' as a date. Required format is YYYY-MM-DD; Field: ${field.name}; Value: ${String(value)}`,
      };
    }
    return { ok: true, text };
  },
  DATETIME: (value, field) => {
    const micros =
      typeof value === "string" && !/(Z|UTC|[+-]\d{1,2}(:?\d{2})?)$/i.test(value)
        ? parseTimestampMicros(value)
        : undefined;
    return micros === undefined ? fail("datetime", field, value) : { ok: true, text: micros.toString() };
  },
  NUMERIC: (value, field) =>
    (typeof value === "number" && Number.isFinite(value)) ||
    (typeof value === "string" && /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(value))
      ? { ok: true, text: String(value) }
      : fail("numeric", field, value),
  BYTES: (value, field) =>
    typeof value === "string" && /^[A-Za-z0-9+/]*={0,2}$/.test(value)
      ? { ok: true, text: value }
      : fail("bytes", field, value),
  JSON: (value) => ({ ok: true, text: JSON.stringify(value) }),
};

type Nested = { ok: true; value: unknown } | { ok: false; reason: string };

/** A value inside a RECORD or REPEATED field, checked by its type and kept as JSON for DuckDB's nested cast. */
function nestedValue(field: FieldSchema, value: unknown, inList = false): Nested {
  if (value === null || value === undefined) return { ok: true, value: null };
  if (field.mode === "REPEATED" && !inList) {
    if (!Array.isArray(value)) return { ok: false, reason: `Array specified for non-repeated field: ${field.name}.` };
    const items: unknown[] = [];
    for (const item of value) {
      if (item === null) return { ok: false, reason: `Null value in repeated field: ${field.name}.` };
      const converted = nestedValue(field, item, true);
      if (!converted.ok) return converted;
      items.push(converted.value);
    }
    return { ok: true, value: items };
  }
  if (Array.isArray(value)) return { ok: false, reason: `Array specified for non-repeated field: ${field.name}.` };
  if (field.type === "RECORD") {
    if (typeof value !== "object") return { ok: false, reason: `Cannot convert value to RECORD. Field: ${field.name}` };
    const record: Record<string, unknown> = {};
    for (const sub of field.fields ?? []) record[sub.name] = null;
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
      const sub = (field.fields ?? []).find((candidate) => candidate.name.toLowerCase() === key.toLowerCase());
      if (sub === undefined) return { ok: false, reason: `No such field: ${field.name}.${key}.` };
      const converted = nestedValue(sub, item);
      if (!converted.ok) return converted;
      record[sub.name] = converted.value;
    }
    return { ok: true, value: record };
  }
  const checked = converters[field.type as Exclude<StoredType, "RECORD">](value, field);
  if (!checked.ok) return checked;
  if (field.type === "INTEGER" || field.type === "FLOAT") return { ok: true, value: Number(value) };
  if (field.type === "BOOLEAN") return { ok: true, value: checked.text === "true" };
  return { ok: true, value: field.type === "JSON" ? value : String(value) };
}

export function convertValue(field: FieldSchema, value: unknown): Converted {
  if (value === null || value === undefined) return { ok: true, text: null };
  if (field.type === "RECORD" || field.mode === "REPEATED") {
    const nested = nestedValue(field, value);
    return nested.ok ? { ok: true, text: JSON.stringify(nested.value) } : nested;
  }
  return converters[field.type as Exclude<StoredType, "RECORD">](value, field);
}

/** The DuckDB expression that turns a converted text column back into the field's type. */
export function castExpression(field: FieldSchema, column: string): string {
  if (field.type === "RECORD" || field.mode === "REPEATED")
    return `CAST(CAST(${column} AS JSON) AS ${duckdbColumnType(field)})`;
  switch (field.type) {
    case "TIMESTAMP":
      return `CAST(make_timestamp(CAST(${column} AS BIGINT)) AS TIMESTAMPTZ)`;
    case "DATETIME":
      return `make_timestamp(CAST(${column} AS BIGINT))`;
    case "BYTES":
      return `from_base64(${column})`;
    case "STRING":
      return column;
    default:
      return `CAST(${column} AS ${field.type === "INTEGER" ? "BIGINT" : field.type === "FLOAT" ? "DOUBLE" : field.type === "NUMERIC" ? "DECIMAL(38, 9)" : field.type})`;
  }
}
