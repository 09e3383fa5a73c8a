import type { ColumnDefinition, FieldMapping, JsonShape, RecordContext, RecordMapping } from "@parley/core";
import { positionColumn } from "@parley/core/warehouse";
import { duckdbColumnTypes, quoteIdentifier, quoteLiteral } from "./duckdb-types.ts";

/** Whether the SQL mapped a staged record itself; the others go to the JavaScript mapper, which knows every case. */
export const fastColumn = "_parley_fast";

/**
 * Value readings of `RecordMapping` in DuckDB SQL, for the forms vendors send nearly always. The record is read
 * once (`json_transform`): `json` fields as JSON, the others as text, which DuckDB gives for strings, numbers
 * and booleans alike. Each reading gives the condition under which SQL reads that text `v` exactly as the
 * JavaScript reader reads the value it came from, and the value it then stores; any other form goes to the
 * JavaScript mapper (which also writes every reject reason), so both paths agree on everything SQL does not claim.
 */
const readings: Readonly<
  Record<FieldMapping["reading"], { when: (v: string) => string; value: (v: string) => string }>
> = {
  // Not an object or list; a number only when JavaScript writes it the same way (a whole number of up to 15 digits).
  text: {
    when: (v) =>
      `left(${v}, 1) NOT IN ('{', '[') AND NOT (regexp_full_match(${v}, '[-+0-9.eE]+') AND NOT regexp_full_match(${v}, '-?[0-9]{1,15}'))`,
    value: (v) => v,
  },
  count: {
    when: (v) => `${v} = '' OR regexp_full_match(${v}, '[0-9]{1,15}')`,
    value: (v) => `TRY_CAST(NULLIF(${v}, '') AS BIGINT)`,
  },
  timestamp: {
    when: (v) =>
      `${v} = '' OR (regexp_full_match(${v}, '[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,6})?(\\+00:00|Z)') AND TRY_CAST(${v} AS TIMESTAMPTZ) IS NOT NULL)`,
    value: (v) => `TRY_CAST(NULLIF(${v}, '') AS TIMESTAMPTZ)`,
  },
  // The text of JSON true and of the string "true" alike: JavaScript reads both as true.
  boolean: {
    when: (v) => `${v} IN ('true', 'false')`,
    value: (v) => `(${v} = 'true')`,
  },
  // Text in a JSON column (a string) may hold JSON that JavaScript parses: left to it.
  json: {
    when: (v) => `left(${v}, 1) <> '"'`,
    value: (v) => v,
  },
};

const shapes: Readonly<Record<JsonShape, (x: string) => string>> = {
  object: (x) => `json_type(${x}) = 'OBJECT'`,
  list: (x) => `json_type(${x}) = 'ARRAY'`,
  "list of objects": (x) => `json_type(${x}) = 'ARRAY' AND list_has_all(['OBJECT'], json_type(${x}, '$[*]'))`,
  "list of strings": (x) => `json_type(${x}) = 'ARRAY' AND list_has_all(['VARCHAR'], json_type(${x}, '$[*]'))`,
};

const list = (names: readonly string[]): string => `[${names.map(quoteLiteral).join(", ")}]`;

/**
 * One SELECT that maps staged raw records (`relation` with `position` and `record` JSON columns) to the stream's
 * columns, generated from the stream's `RecordMapping` (the declaration the JavaScript mapper executes too), plus
 * `_parley_fast`: false for a record SQL leaves to the JavaScript mapper (unknown or differently spelled keys,
 * two alternative names at once, values in less usual forms, text that would need repair, broken shapes, rejects).
 */
export function mappingSelectSql(
  mapping: RecordMapping,
  columns: readonly ColumnDefinition[],
  requiredColumns: readonly string[],
  context: RecordContext,
  relation: string,
): string {
  const vendorNames = [...new Set(mapping.fields.flatMap((field) => field.from))];
  const readingOf = new Map(mapping.fields.flatMap((field) => field.from.map((name) => [name, field.reading])));
  const structure = JSON.stringify(
    Object.fromEntries(vendorNames.map((name) => [name, readingOf.get(name) === "json" ? "JSON" : "VARCHAR"])),
  );
  const value = (name: string): string => `v.${quoteIdentifier(name)}`;
  const conditions: string[] = [
    "json_type(record) = 'OBJECT'",
    `list_has_all(${list(vendorNames)}, keys)`,
    // Escaped NULs and UTF-16 surrogates: text the JavaScript side repairs (or refuses) before storing.
  ];
  const expressions = new Map<string, string>();
  for (const field of mapping.fields) {
    const column = columns.find((candidate) => candidate.name === field.column);
    if (column === undefined) throw new TypeError(`mapping names column ${field.column}, which the stream lacks`);
    const reading = readings[field.reading];
    const present = field.from.map((name) => `list_contains(keys, ${quoteLiteral(name)})::INTEGER`).join(" + ");
    if (field.from.length > 1) conditions.push(`(${present}) <= 1`);
    for (const name of field.from) {
      const shape = column.shape === undefined ? "" : ` AND (${shapes[column.shape](value(name))})`;
      conditions.push(`(${value(name)} IS NULL OR (${reading.when(value(name))}${shape}))`);
    }
    const read = field.from.map((name) => reading.value(value(name)));
    let expression = read.length === 1 ? (read[0] as string) : `COALESCE(${read.join(", ")})`;
    if (field.contextFallback === true)
      expression = `COALESCE(${expression}, ${literal(context.values[field.column])})`;
    expressions.set(field.column, expression);
  }
  for (const name of mapping.contextColumns ?? []) expressions.set(name, literal(context.values[name]));
  for (const { column, of } of mapping.fieldNameColumns ?? []) {
    const names = mapping.fields.find((field) => field.column === of)?.from ?? [];
    const cases = names.map((name) => `WHEN list_contains(keys, ${quoteLiteral(name)}) THEN ${quoteLiteral(name)}`);
    expressions.set(column, `CASE ${cases.join(" ")} END`);
  }
  if (mapping.extraFieldsColumn !== undefined) expressions.set(mapping.extraFieldsColumn, "NULL");
  const day = mapping.dayFallback;
  if (day !== undefined) {
    const from = expressions.get(day.from) ?? "NULL";
    expressions.set(
      day.column,
      `COALESCE(${expressions.get(day.column) ?? "NULL"}, CAST(timezone('UTC', ${from}) AS DATE))`,
    );
  }
  for (const name of requiredColumns) {
    const expression = expressions.get(name) ?? "NULL";
    conditions.push(`${expression} IS NOT NULL AND ${expression}::VARCHAR <> ''`);
  }
  const selected = columns.map((column) => {
    const expression = expressions.get(column.name) ?? "NULL";
    return `CAST(${expression} AS ${duckdbColumnTypes[column.type]}) AS ${quoteIdentifier(column.name)}`;
  });
  const fast = conditions.map((condition) => `(${condition})`).join(" AND ");
  return `SELECT ${positionColumn}, record, COALESCE(${fast}, false) AS ${fastColumn}, ${selected.join(", ")}
FROM (SELECT ${positionColumn}, record, CASE WHEN json_type(record) = 'OBJECT' THEN json_keys(record) ELSE [] END AS keys,
  CASE WHEN json_type(record) = 'OBJECT' THEN json_transform(record, ${quoteLiteral(structure)}) END AS v FROM ${relation})`;
}

function literal(value: string | null | undefined): string {
  return value === null || value === undefined ? "NULL" : quoteLiteral(value);
}
