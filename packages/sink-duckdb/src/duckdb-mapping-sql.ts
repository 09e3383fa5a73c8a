import type { ColumnDefinition, FieldMapping, RecordContext, RecordMapping, ScalarReading } from "@parley/core";
import { duckdbColumnTypes, quoteIdentifier, quoteLiteral } from "./duckdb-types.ts";

/** Which staged file (and so which context) a record came from: its index in the batch's contexts. */
export const fileColumn = "_parley_file";

/**
 * Value readings of `RecordMapping` in DuckDB SQL, over what DuckDB's typed JSON reader gives: `json` fields as
 * JSON, the others as text (a string as sent, `true`/`false` for booleans, a number as written). Only records in the
 * usual forms reach it (`duckdb-usual-scan.ts` checks each before it is staged), so each reading is a plain cast.
 */
const scalarReadings: Readonly<Record<ScalarReading, (v: string) => string>> = {
  text: (v) => v,
  count: (v) => `CAST(NULLIF(${v}, '') AS BIGINT)`,
  timestamp: (v) => `CAST(NULLIF(${v}, '') AS TIMESTAMPTZ)`,
  boolean: (v) => `(NULLIF(${v}, '') = 'true')`,
  json: (v) => v,
  "text or null": (v) => `NULLIF(${v}, '')`,
  number: (v) => `CAST(NULLIF(${v}, '') AS DOUBLE)`,
  "whole number": (v) => `CAST(NULLIF(${v}, '') AS BIGINT)`,
  "numeric id": (v) => `CAST(NULLIF(${v}, '') AS BIGINT)`,
  "true or false": (v) => `(NULLIF(${v}, '') = 'true')`,
  "utc time": (v) => `CAST(NULLIF(${v}, '') AS TIMESTAMPTZ)`,
  "json as sent": (v) => v,
};

function readingSql(field: FieldMapping, v: string): string {
  switch (field.reading) {
    case "text list":
      return v;
    case "numeric id list":
      return `to_json(list_transform(CAST(${v} AS VARCHAR[]), item -> ${scalarReadings["numeric id"]("item")}))`;
    case "object list": {
      // Read as a list of structs of text (`readerColumns`), each key then read as the item key declares.
      const keys = (field.itemKeys ?? []).map(
        ({ key, reading }) => `${quoteLiteral(key)}: ${scalarReadings[reading](`item.${quoteIdentifier(key)}`)}`,
      );
      return `to_json(list_transform(${v}, item -> {${keys.join(", ")}}))`;
    }
    default:
      return scalarReadings[field.reading](v);
  }
}

const readAsJson = new Set<FieldMapping["reading"]>([
  "json",
  "json as sent",
  "text list",
  "numeric id list",
  "object list",
]);

/** The vendor fields the reader extracts, with the type it reads each as: `read_json(..., columns = {...})`. */
export function readerColumns(mapping: RecordMapping): string {
  const typeOf = new Map<string, string>();
  const inside = new Map<string, string[]>();
  for (const field of mapping.fields)
    if (field.within !== undefined)
      inside.set(field.within, [...(inside.get(field.within) ?? []), `${quoteIdentifier(field.from[0])} VARCHAR`]);
  for (const [within, keys] of inside) typeOf.set(within, `STRUCT(${keys.join(", ")})`);
  for (const field of mapping.fields) {
    if (field.within !== undefined) continue;
    if (field.reading === "object list") {
      const keys = (field.itemKeys ?? []).map(({ key }) => `${quoteIdentifier(key)} VARCHAR`);
      for (const name of field.from) typeOf.set(name, `STRUCT(${keys.join(", ")})[]`);
    } else for (const name of field.from) typeOf.set(name, readAsJson.has(field.reading) ? "JSON" : "VARCHAR");
  }
  return [...typeOf].map(([name, type]) => `${quoteLiteral(name)}: ${quoteLiteral(type)}`).join(", ");
}

/**
 * One SELECT that maps records in the usual forms to the stream's columns, generated from the stream's
 * `RecordMapping` (the declaration the JavaScript mapper executes too). `relation` has the vendor fields as
 * `readerColumns` reads them and `_parley_file`, an index into `contexts` (the files' contexts).
 */
export function mappingSelectSql(
  mapping: RecordMapping,
  columns: readonly ColumnDefinition[],
  contexts: readonly RecordContext[],
  relation: string,
): string {
  // A field inside a nested object is a key of the struct the reader gives for that object (`readerColumns`).
  const value = (name: string, within?: string): string =>
    within === undefined ? quoteIdentifier(name) : `${quoteIdentifier(within)}.${quoteIdentifier(name)}`;
  // Typed as its column: a context value meets typed expressions in COALESCE (a day next to a DATE).
  const contextValue = (name: string): string => {
    const type = columns.find((column) => column.name === name)?.type ?? "string";
    const typed = (context: RecordContext | undefined) =>
      `CAST(${literal(context?.values[name])} AS ${duckdbColumnTypes[type]})`;
    return contexts.length === 1 ? typed(contexts[0]) : `[${contexts.map(typed).join(", ")}][${fileColumn} + 1]`;
  };
  const expressions = new Map<string, string>();
  for (const field of mapping.fields) {
    const read = field.from.map((name) => readingSql(field, value(name, field.within)));
    let expression = read.length === 1 ? (read[0] as string) : `COALESCE(${read.join(", ")})`;
    if (field.contextFallback === true) expression = `COALESCE(${expression}, ${contextValue(field.column)})`;
    expressions.set(field.column, expression);
  }
  for (const name of mapping.contextColumns ?? []) expressions.set(name, contextValue(name));
  for (const { column, of } of mapping.fieldNameColumns ?? []) {
    const names = mapping.fields.find((field) => field.column === of)?.from ?? [];
    const cases = names.map((name) => `WHEN ${value(name)} IS NOT NULL THEN ${quoteLiteral(name)}`);
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
  const selected = columns.map((column) => {
    const expression = expressions.get(column.name) ?? "NULL";
    return `CAST(${expression} AS ${duckdbColumnTypes[column.type]}) AS ${quoteIdentifier(column.name)}`;
  });
  return `SELECT ${selected.join(", ")} FROM ${relation}`;
}

function literal(value: string | null | undefined): string {
  return value === null || value === undefined ? "NULL" : quoteLiteral(value);
}
