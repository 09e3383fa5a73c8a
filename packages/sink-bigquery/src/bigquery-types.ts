import type { LogicalType } from "@parley/core";
import { decimalValue } from "@parley/core/warehouse";

/** How each logical type is declared in a BigQuery table schema. */
export const bigqueryColumnTypes: Record<LogicalType, string> = {
  string: "STRING",
  integer: "INT64",
  float: "FLOAT64",
  boolean: "BOOL",
  timestamp: "TIMESTAMP",
  date: "DATE",
  json: "JSON",
};

/** tables.get reports legacy names (INTEGER, FLOAT, BOOLEAN); both spellings mean the same type. */
const aliases: Record<string, string> = { INTEGER: "INT64", FLOAT: "FLOAT64", BOOLEAN: "BOOL" };

export function sameBigqueryType(stored: string, logical: LogicalType): boolean {
  const normalised = stored.toUpperCase();
  return (aliases[normalised] ?? normalised) === bigqueryColumnTypes[logical];
}

/** Types BigQuery accepts as clustering columns. */
export const clusterableTypes: ReadonlySet<LogicalType> = new Set([
  "string",
  "integer",
  "boolean",
  "timestamp",
  "date",
]);

export function quoteIdentifier(name: string): string {
  return `\`${name.replaceAll("\\", "\\\\").replaceAll("`", "\\`")}\``;
}

const namedEscapes: Readonly<Record<string, string>> = {
  "\\": "\\\\",
  "'": "\\'",
  "\n": "\\n",
  "\r": "\\r",
  "\t": "\\t",
};

/**
 * A GoogleSQL string literal: backslash escapes, so any text round-trips. Other control characters (NUL among
 * them) are written as `\xhh` escapes rather than raw bytes in the query text.
 */
export function quoteString(value: string): string {
  return `'${value.replace(
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this escapes
    /[\\'\u0000-\u001f\u007f]/g,
    (character) => namedEscapes[character] ?? `\\x${character.charCodeAt(0).toString(16).padStart(2, "0")}`,
  )}'`;
}

/** Microsecond-precision ISO text (`...T08:10:01.123456Z`) from the client's timestamp text (up to 9 fraction digits). */
export function isoTimestamp(text: string): string {
  const match = /^(.*?)(?:\.(\d+))?Z$/.exec(text);
  if (match === null) return new Date(text).toISOString();
  return `${match[1]}.${`${match[2] ?? ""}000000`.slice(0, 6)}Z`;
}

/** The integer cast the client applies to INT64 cells: a number when safe, a bigint beyond 2^53. */
export function castInteger(value: string): number | bigint {
  const big = BigInt(value);
  return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
}

/**
 * Turns one value as the client parses it into the contract's normalised form: timestamps ISO UTC,
 * dates `YYYY-MM-DD`, JSON parsed (the client leaves JSON columns as text).
 */
export function normaliseValue(type: string, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (type.toUpperCase()) {
    case "TIMESTAMP":
      return isoTimestamp(String((value as { value: string }).value));
    case "DATE":
    case "DATETIME":
      return typeof value === "object" ? String((value as { value: string }).value) : String(value);
    case "JSON":
      return typeof value === "string" ? JSON.parse(value) : value;
    case "NUMERIC":
    case "BIGNUMERIC":
      return decimalValue(String(value));
    default:
      return value;
  }
}
