import { ValueProblem } from "@parley/core";

/**
 * Reading proto3 JSON as Google sends it (vendor-apis §1.10): fields at their default value are absent, Durations
 * are decimal-second strings ("274.500s"), int64 values are strings, Timestamps are RFC 3339 in UTC.
 * Readers return `undefined` for an absent field and throw `ValueProblem` for a present but unreadable one, so the
 * record mapper can turn the whole conversation into a reject naming the field.
 */

export type JsonObject = Readonly<Record<string, unknown>>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function objectAt(value: unknown, key: string): JsonObject | undefined {
  if (!isObject(value)) return undefined;
  const item = value[key];
  if (item === undefined || item === null) return undefined;
  if (!isObject(item)) throw new ValueProblem(`"${key}" is not an object`);
  return item;
}

export function listAt(value: unknown, key: string): readonly unknown[] {
  if (!isObject(value)) return [];
  const item = value[key];
  if (item === undefined || item === null) return [];
  if (!Array.isArray(item)) throw new ValueProblem(`"${key}" is not a list`);
  return item;
}

export function stringAt(value: unknown, key: string): string | undefined {
  if (!isObject(value)) return undefined;
  const item = value[key];
  if (item === undefined || item === null) return undefined;
  if (typeof item !== "string") throw new ValueProblem(`"${key}" is not a string`);
  return item;
}

/** int32, int64 (a decimal string) or float; absent means 0 by the proto3 rule. */
export function numberAt(value: unknown, key: string): number {
  if (!isObject(value)) return 0;
  const item = value[key];
  if (item === undefined || item === null) return 0;
  if (typeof item === "number" && Number.isFinite(item)) return item;
  if (typeof item === "string" && /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(item.trim())) return Number(item);
  throw new ValueProblem(`"${key}" is not a number: ${JSON.stringify(item).slice(0, 40)}`);
}

/** Duration "274.500s" / "35s" / "-1.5s" to integer nanoseconds, without float rounding. */
export function durationNanos(text: string, field: string): number {
  const match = /^(-)?(\d+)(?:\.(\d{1,9}))?s$/.exec(text.trim());
  if (match === null)
    throw new ValueProblem(`"${field}" is not a Duration such as "12.5s": ${JSON.stringify(text).slice(0, 40)}`);
  const [, sign, whole = "0", fraction = ""] = match;
  const nanos = Number(whole) * 1_000_000_000 + Number(fraction.padEnd(9, "0"));
  if (!Number.isSafeInteger(nanos)) throw new ValueProblem(`"${field}" is too long a Duration: ${text}`);
  return sign === "-" ? -nanos : nanos;
}

export function durationNanosAt(value: unknown, key: string): number {
  const text = stringAt(value, key);
  return text === undefined ? 0 : durationNanos(text, key);
}

const timestampPattern = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/i;

/** An RFC 3339 timestamp as epoch nanoseconds (a bigint: nanoseconds since 1970 exceed 2^53). */
export function timestampNanos(text: string, field: string): bigint {
  const match = timestampPattern.exec(text.trim());
  const millis = match === null ? Number.NaN : Date.parse(`${match[1]}${match[3]}`);
  if (match === null || Number.isNaN(millis)) {
    throw new ValueProblem(`"${field}" is not an RFC 3339 timestamp: ${JSON.stringify(text).slice(0, 40)}`);
  }
  return BigInt(millis) * 1_000_000n + BigInt((match[2] ?? "").padEnd(9, "0"));
}

export interface ReadTimestamp {
  /** As sent, for state and filters (Google's own text, full precision). */
  readonly text: string;
  readonly nanos: bigint;
  /** Epoch seconds, floored, as the BigQuery export writes `*TimestampUtc` columns (vendor-apis §1.13.1). */
  readonly seconds: number;
  /** ISO 8601 UTC for `timestamp` columns (sub-millisecond digits kept). */
  readonly iso: string;
}

export function timestampAt(value: unknown, key: string): ReadTimestamp | undefined {
  const text = stringAt(value, key);
  if (text === undefined) return undefined;
  const nanos = timestampNanos(text, key);
  const seconds = nanos >= 0n ? nanos / 1_000_000_000n : (nanos - 999_999_999n) / 1_000_000_000n;
  const fraction = String(nanos - seconds * 1_000_000_000n)
    .padStart(9, "0")
    .replace(/0+$/, "");
  const base = new Date(Number(seconds) * 1000).toISOString().slice(0, 19);
  return { text, nanos, seconds: Number(seconds), iso: `${base}${fraction === "" ? "" : `.${fraction}`}Z` };
}

/** The last segment of a resource name (`…/issues/x` gives `x`). */
export function lastSegment(name: string | undefined): string | undefined {
  return name === undefined ? undefined : name.slice(name.lastIndexOf("/") + 1);
}
