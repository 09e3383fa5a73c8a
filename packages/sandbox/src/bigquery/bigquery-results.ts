import { invalid } from "./bigquery-errors.ts";
import type { QueryOutcome } from "./bigquery-query.ts";

export interface ResultOptions {
  maxResults?: number;
  pageToken?: string;
  startIndex?: number;
  useInt64Timestamp: boolean;
}

function timestampCell(micros: string | null, useInt64Timestamp: boolean): string | null {
  if (micros === null || useInt64Timestamp) return micros;
  // Without useInt64Timestamp the API prints seconds since the epoch as a float.
  const big = BigInt(micros);
  const seconds = big / 1_000_000n;
  const fraction = (big < 0n ? -big : big) % 1_000_000n;
  return `${big < 0n && seconds === 0n ? "-" : ""}${seconds}.${fraction.toString().padStart(6, "0")}`;
}

/** `schema`, `rows` (f/v cells), `totalRows` and `pageToken` of jobs.query / jobs.getQueryResults. */
export function resultPage(outcome: QueryOutcome, options: ResultOptions): Record<string, unknown> {
  if (outcome.fields === undefined || outcome.rows === undefined) {
    return outcome.numDmlAffectedRows === undefined
      ? { totalRows: "0" }
      : { numDmlAffectedRows: String(outcome.numDmlAffectedRows), totalRows: "0" };
  }
  let start = options.startIndex ?? 0;
  if (options.pageToken !== undefined) {
    const decoded = Number(Buffer.from(options.pageToken, "base64url").toString("utf8"));
    if (!Number.isInteger(decoded) || decoded < 0)
      throw invalid(`Invalid page token: ${options.pageToken}`, "pageToken");
    start = decoded;
  }
  const end =
    options.maxResults === undefined ? outcome.rows.length : Math.min(outcome.rows.length, start + options.maxResults);
  const fields = outcome.fields;
  const rows = outcome.rows.slice(start, end).map((row) => ({
    f: row.map((value, index) => ({
      v: fields[index]?.type === "TIMESTAMP" ? timestampCell(value, options.useInt64Timestamp) : value,
    })),
  }));
  return {
    schema: { fields },
    totalRows: String(outcome.rows.length),
    ...(rows.length > 0 ? { rows } : {}),
    ...(end < outcome.rows.length ? { pageToken: Buffer.from(String(end)).toString("base64url") } : {}),
  };
}
