import { DuckDBTypeId } from "@duckdb/node-api";
import type { LogicalType } from "@parley/core";
import { decimalValue } from "@parley/core/warehouse";

/** How each logical type is stored in DuckDB. */
export const duckdbColumnTypes: Record<LogicalType, string> = {
  string: "VARCHAR",
  integer: "BIGINT",
  float: "DOUBLE",
  boolean: "BOOLEAN",
  timestamp: "TIMESTAMPTZ",
  date: "DATE",
  json: "JSON",
};

/** `information_schema.columns.data_type` spellings of the types above, to detect type changes. */
export function sameDuckdbType(stored: string, logical: LogicalType): boolean {
  const normalised = stored.toUpperCase();
  const expected = duckdbColumnTypes[logical];
  if (expected === "TIMESTAMPTZ") return normalised === "TIMESTAMP WITH TIME ZONE" || normalised === "TIMESTAMPTZ";
  return normalised === expected;
}

export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

export function quoteLiteral(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** `'2024-05-03 09:00:00.123456+00'` (DuckDB's text form in UTC) to `2024-05-03T09:00:00.123456Z`. */
function isoFromDuckdb(text: string): string {
  return `${text.replace(" ", "T").replace(/([+-]00(:?00)?)$/, "")}Z`;
}

/**
 * Converts one value of DuckDB's JSON-friendly result form into the normalised value the Sink contract
 * promises (integers as numbers, timestamps as ISO UTC strings, JSON parsed).
 */
export function normaliseValue(typeId: DuckDBTypeId, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (typeId) {
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.HUGEINT:
    case DuckDBTypeId.UBIGINT:
    case DuckDBTypeId.UHUGEINT: {
      const big = BigInt(value as string);
      return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
    }
    case DuckDBTypeId.TIMESTAMP_TZ:
    case DuckDBTypeId.TIMESTAMP:
      return isoFromDuckdb(String(value));
    case DuckDBTypeId.DECIMAL:
      return decimalValue(String(value));
    default:
      return value;
  }
}
