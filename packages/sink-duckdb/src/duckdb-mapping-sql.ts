import {
  type ColumnDefinition,
  type FieldMapping,
  type JsonShape,
  maxJsonDepth,
  type RecordContext,
  type RecordMapping,
} from "@parley/core";
import { positionColumn } from "@parley/core/warehouse";
import { duckdbColumnTypes, quoteIdentifier, quoteLiteral } from "./duckdb-types.ts";

/** Whether the SQL mapped a staged record itself; the others go to the JavaScript mapper, which knows every case. */
export const fastColumn = "_parley_fast";

const maxSafeInteger = "9007199254740991";

/**
 * Value readings of `RecordMapping` in DuckDB SQL, for the forms vendors send nearly always: each gives the
 * condition under which SQL reads `x` (a JSON value, NULL when absent or null) exactly as the JavaScript
 * reader does, and the value it then stores. Any other form goes to the JavaScript mapper (which also writes
 * every reject reason), so the two paths agree by construction on everything SQL does not claim.
 */
const readings: Readonly<
  Record<FieldMapping["reading"], { when: (x: string) => string; value: (x: string) => string }>
> = {
  text: {
    when: (x) => `json_type(${x}) = 'VARCHAR'`,
    value: (x) => `(${x} ->> '$')`,
  },
  count: {
    when: (x) =>
      `(json_type(${x}) IN ('BIGINT', 'UBIGINT') AND abs(TRY_CAST(${x} AS HUGEINT)) <= ${maxSafeInteger}) OR (json_type(${x}) = 'VARCHAR' AND regexp_full_match(${x} ->> '$', '[0-9]{0,15}'))`,
    value: (x) => `TRY_CAST(NULLIF(${x} ->> '$', '') AS BIGINT)`,
  },
  timestamp: {
    when: (x) =>
      `json_type(${x}) = 'VARCHAR' AND (${x} ->> '$' = '' OR (regexp_full_match(${x} ->> '$', '[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,6})?(\\+00:00|Z)') AND TRY_CAST(${x} ->> '$' AS TIMESTAMPTZ) IS NOT NULL))`,
    value: (x) => `TRY_CAST(NULLIF(${x} ->> '$', '') AS TIMESTAMPTZ)`,
  },
  boolean: {
    when: (x) => `json_type(${x}) = 'BOOLEAN'`,
    value: (x) => `TRY_CAST(${x} AS BOOLEAN)`,
  },
  json: {
    when: (x) => `json_type(${x}) <> 'VARCHAR'`,
    value: (x) => x,
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
  const structure = JSON.stringify(Object.fromEntries(vendorNames.map((name) => [name, "JSON"])));
  const value = (name: string): string => `v.${quoteIdentifier(name)}`;
  const conditions: string[] = [
    "json_type(record) = 'OBJECT'",
    `list_has_all(${list(vendorNames)}, keys)`,
    // Escaped NULs and UTF-16 surrogates: text the JavaScript side repairs (or refuses) before storing.
    // At most this many brackets, at most this deep: deeper records get the JavaScript side's depth check.
    `length(record::VARCHAR) - length(translate(record::VARCHAR, '{[', '')) <= ${maxJsonDepth}`,
    `NOT (contains(record::VARCHAR, '\\u') AND regexp_matches(record::VARCHAR, '\\\\u(0000|[dD][89aAbBcCdDeEfF])'))`,
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
    return `TRY_CAST(${expression} AS ${duckdbColumnTypes[column.type]}) AS ${quoteIdentifier(column.name)}`;
  });
  const fast = conditions.map((condition) => `(${condition})`).join(" AND ");
  return `SELECT ${positionColumn}, record, COALESCE(${fast}, false) AS ${fastColumn}, ${selected.join(", ")}
FROM (SELECT ${positionColumn}, record, CASE WHEN json_type(record) = 'OBJECT' THEN json_keys(record) ELSE [] END AS keys,
  CASE WHEN json_type(record) = 'OBJECT' THEN json_transform(record, ${quoteLiteral(structure)}) END AS v FROM ${relation})`;
}

function literal(value: string | null | undefined): string {
  return value === null || value === undefined ? "NULL" : quoteLiteral(value);
}
