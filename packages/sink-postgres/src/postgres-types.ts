import type { LogicalType } from "@parley/core";
import { decimalValue } from "@parley/core/warehouse";
import pg from "pg";

/** How each logical type is stored in PostgreSQL. */
export const postgresColumnTypes: Record<LogicalType, string> = {
  string: "text",
  integer: "bigint",
  float: "double precision",
  boolean: "boolean",
  timestamp: "timestamptz",
  date: "date",
  json: "jsonb",
};

/**
 * `format_type()` spellings that hold each logical type without a cast: first the type this sink creates, then the
 * looser ones a table made by hand may use.
 */
const compatibleTypes: Record<LogicalType, readonly [string, ...string[]]> = {
  string: ["text", "character varying"],
  integer: ["bigint"],
  float: ["double precision"],
  boolean: ["boolean"],
  timestamp: ["timestamp with time zone"],
  date: ["date"],
  json: ["jsonb", "json"],
};

export function samePostgresType(stored: string, logical: LogicalType): boolean {
  return compatibleTypes[logical].includes(stored.replace(/\(.*\)$/, ""));
}

/** True if a stored column (its `format_type()`) has exactly the type this sink creates for `logical`. */
export function createdPostgresType(stored: string, logical: LogicalType): boolean {
  return stored === compatibleTypes[logical][0];
}

export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

export function qualified(schema: string, table: string): string {
  return `${quoteIdentifier(schema)}.${quoteIdentifier(table)}`;
}

const maxSafe = BigInt(Number.MAX_SAFE_INTEGER);

function integerValue(text: string): number | bigint {
  const big = BigInt(text);
  return big >= -maxSafe && big <= maxSafe ? Number(big) : big;
}

/**
 * PostgreSQL's ISO output (`2024-05-03 08:10:01.123456+00`, or `+05:30` in other zones) to
 * `2024-05-03T08:10:01.123456Z`. Parsed by hand because a JS Date would drop the microseconds.
 */
export function isoFromPostgres(text: string): string {
  const match = /^(\d{4,}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(\.\d+)?([+-]\d{2}(?::\d{2}(?::\d{2})?)?)?$/.exec(text);
  if (match === null) return text; // infinity, BC dates: left as PostgreSQL prints them
  const [, day, time, fraction = "", offset] = match;
  if (offset === undefined || /^[+-]00(:00)*$/.test(offset)) return `${day}T${time}${fraction}Z`;
  const [hours = "0", minutes = "0", seconds = "0"] = offset.slice(1).split(":");
  const sign = offset.startsWith("-") ? 1 : -1;
  const shift = sign * (Number(hours) * 3600 + Number(minutes) * 60 + Number(seconds)) * 1000;
  const utc = new Date(Date.parse(`${day}T${time}Z`) + shift).toISOString();
  return `${utc.slice(0, 19)}${fraction}Z`;
}

const parsers = new Map<number, (text: string) => unknown>([
  [pg.types.builtins.INT8, integerValue],
  [pg.types.builtins.TIMESTAMPTZ, isoFromPostgres],
  [pg.types.builtins.TIMESTAMP, isoFromPostgres],
  [pg.types.builtins.DATE, (text) => text],
]);

/**
 * NUMERIC values of a result (pg leaves them as text): integers as numbers (bigint beyond 2^53). A declared
 * precision (a column or a cast `numeric(p,s)`) holds exact values: kept exactly (core's decimalValue). An
 * unconstrained numeric is the result of arithmetic, where PostgreSQL already rounded (`1.0 * a / b`, AVG gives
 * 20 digits): a number, as DuckDB's and BigQuery's DOUBLE for the same view, so metric views agree.
 */
export function normaliseNumerics<Row extends Record<string, unknown>>(result: pg.QueryResult<Row>): Row[] {
  const numerics = result.fields.filter((field) => field.dataTypeID === pg.types.builtins.NUMERIC);
  if (numerics.length === 0) return result.rows;
  for (const row of result.rows) {
    const values = row as Record<string, unknown>;
    for (const field of numerics) {
      const text = values[field.name];
      if (typeof text !== "string") continue;
      values[field.name] = /^-?\d+$/.test(text)
        ? integerValue(text)
        : field.dataTypeModifier === -1
          ? Number(text)
          : decimalValue(text);
    }
  }
  return result.rows;
}

/**
 * Result parsing that gives the values the Sink contract promises (integers as numbers, bigint
 * beyond 2^53, timestamps as ISO UTC text, dates as text, JSON parsed); others keep pg's defaults.
 */
export const resultTypes: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: "text" | "binary") => {
    const parser = format === "binary" ? undefined : parsers.get(oid);
    return parser ?? pg.types.getTypeParser(oid, format as "text");
  }) as pg.CustomTypesConfig["getTypeParser"],
};
