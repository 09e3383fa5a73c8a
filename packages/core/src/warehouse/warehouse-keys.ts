import type { ColumnDefinition } from "../schema/logical-type.ts";
import { timestampPattern, type ValidatedRow } from "../schema/record-validator.ts";

type KeyPart = (value: unknown) => unknown;

const same: KeyPart = (value) => value;

/** The validator keeps a `bigint` a source sent; the warehouse stores 1n and 1 as one BIGINT value. */
const integerPart: KeyPart = (value) =>
  typeof value === "bigint" && value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)
    ? Number(value)
    : value;

/**
 * The validator keeps a timestamp's text as sent; the warehouse stores its instant to the microsecond, so
 * `2026-01-01T00:00:00Z` and `2026-01-01 01:00:00.000+01:00` are one key there.
 */
const timestampPart: KeyPart = (value) => {
  const match = typeof value === "string" ? timestampPattern.exec(value) : null;
  if (match === null) return value;
  const [, day = "", time = "", zone = ""] = match;
  const [hours = "0", minutes = "0", rest = "0"] = time.split(":");
  const [seconds = "0", fraction = ""] = rest.split(".");
  const instant = new Date(0);
  instant.setUTCFullYear(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1, Number(day.slice(8, 10)));
  instant.setUTCHours(Number(hours), Number(minutes), Number(seconds), 0);
  const offset = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone);
  const offsetMinutes =
    offset === null ? 0 : (offset[1] === "-" ? -1 : 1) * (Number(offset[2]) * 60 + Number(offset[3] ?? 0));
  return `${instant.getTime() - offsetMinutes * 60_000}.${fraction.padEnd(6, "0").slice(0, 6)}`;
};

function keyPart(column: ColumnDefinition | undefined): KeyPart {
  if (column?.type === "integer") return integerPart;
  if (column?.type === "timestamp") return timestampPart;
  return same;
}

/**
 * A row's primary key as a value a `Map` tells apart exactly when the warehouse does: two rows the warehouse
 * would store under one key get equal values here, so a merge batch cannot keep both.
 */
export function mergeKeyOf(
  primaryKey: readonly string[],
  columns: readonly ColumnDefinition[],
): (row: ValidatedRow) => unknown {
  const parts = primaryKey.map((name) => ({ name, part: keyPart(columns.find((column) => column.name === name)) }));
  const [only] = parts;
  if (only === undefined) return () => "";
  if (parts.length === 1) {
    const { name, part } = only;
    return part === same ? (row) => row[name] : (row) => part(row[name]);
  }
  // Each part but the last led by its length: one text per key, no two keys alike (a bulk batch makes one per record).
  const last = parts.length - 1;
  return (row) => {
    let key = "";
    for (let index = 0; index < last; index++) {
      const { name, part } = parts[index] as (typeof parts)[number];
      const text = String(part(row[name]));
      key += `${text.length}:${text}`;
    }
    const { name, part } = parts[last] as (typeof parts)[number];
    return key + String(part(row[name]));
  };
}
