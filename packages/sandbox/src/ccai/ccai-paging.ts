import { createHash, createHmac } from "node:crypto";
import { invalidArgument } from "./ccai-errors.ts";
import type { CcaiConversation } from "./ccai-records.ts";

/** Where the previous page ended: the sort value and id of its last item (keyset paging, stable under inserts). */
export interface PageCursor {
  value: number;
  id: string;
}

export interface PageSizeOptions {
  defaultPageSize: number;
  maxPageSize: number;
  /**
   * REST discovery says 0-1,000 while the proto says up to 100,000 (vendor-apis §1.4); AIP-158 says an API should
   * coerce an oversized page_size to its maximum rather than fail, so "clamp" is the default [I].
   */
  oversizedPageSize: "clamp" | "reject";
}

/** Parses `pageSize` as the REST gateway does: an int32 literal, negative values rejected (AIP-158). */
export function parsePageSize(raw: string | null, options: PageSizeOptions): number {
  if (raw === null || raw === "") return options.defaultPageSize;
  if (!/^-?\d+$/.test(raw) || Math.abs(Number(raw)) > 2 ** 31 - 1) {
    throw invalidArgument(`Invalid value at 'page_size' (TYPE_INT32), "${raw}"`);
  }
  const size = Number(raw);
  if (size < 0) throw invalidArgument("page_size must not be negative");
  if (size === 0) return options.defaultPageSize;
  if (size > options.maxPageSize) {
    if (options.oversizedPageSize === "reject") {
      throw invalidArgument(`page_size must be between 0 and ${options.maxPageSize}, got ${size}`);
    }
    return options.maxPageSize;
  }
  return size;
}

/**
 * Page tokens are opaque and signed, and carry a digest of the query they were issued for, so a token replayed with
 * a different filter, orderBy or view is refused with INVALID_ARGUMENT (AIP-158 convention, vendor-apis §1.4 [I]).
 */
export class PageTokens {
  private readonly secret: string;

  constructor(secret: string) {
    this.secret = secret;
  }

  private digest(binding: string): string {
    return createHash("sha256").update(binding).digest("base64url").slice(0, 12);
  }

  private sign(payload: string): string {
    return createHmac("sha256", this.secret).update(payload).digest("base64url").slice(0, 16);
  }

  issue(binding: string, cursor: PageCursor): string {
    const payload = Buffer.from(JSON.stringify({ q: this.digest(binding), v: cursor.value, i: cursor.id })).toString(
      "base64url",
    );
    return `${payload}.${this.sign(payload)}`;
  }

  read(binding: string, token: string): PageCursor {
    const [payload = "", signature] = token.split(".");
    if (signature === undefined || signature !== this.sign(payload)) throw invalidArgument("Invalid page token.");
    const decoded = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as {
      q: string;
      v: number;
      i: string;
    };
    if (decoded.q !== this.digest(binding)) {
      throw invalidArgument(
        "The page token does not match the request: filter, order_by and view must not change between pages.",
      );
    }
    return { value: decoded.v, id: decoded.i };
  }
}

export interface Ordering<T> {
  key: (record: T) => number;
  descending: boolean;
}

const conversationOrderKeys: Record<string, (record: CcaiConversation) => number> = {
  create_time: (record) => record.createTimeMicros,
  start_time: (record) => record.startTimeMicros,
  turn_count: (record) => record.turnCount,
  duration: (record) => record.durationMs,
  customer_satisfaction_rating: (record) => record.qualityMetadata.customerSatisfactionRating,
  latest_analysis: (record) => record.analyses.at(-1)?.createTimeMicros ?? 0,
};

/** `orderBy` for ListConversations: one field, optional asc/desc, ascending when no suffix (vendor-apis §1.4). */
export function parseConversationOrder(raw: string): Ordering<CcaiConversation> {
  const text = raw.trim();
  if (text === "")
    return { key: conversationOrderKeys.create_time as Ordering<CcaiConversation>["key"], descending: true };
  const match = /^([a-z_.]+)(?:\s+(asc|desc))?$/i.exec(text);
  const field = match?.[1] ?? "";
  const key = conversationOrderKeys[field];
  if (!match || !key) {
    throw invalidArgument(
      `Invalid order_by "${raw}": expected one of ${Object.keys(conversationOrderKeys).join(", ")}, optionally followed by asc or desc.`,
    );
  }
  return { key, descending: match[2]?.toLowerCase() === "desc" };
}

function compareKeys(
  leftValue: number,
  leftId: string,
  rightValue: number,
  rightId: string,
  direction: number,
): number {
  const difference = leftValue - rightValue;
  if (difference !== 0) return difference * direction;
  return (leftId < rightId ? -1 : leftId > rightId ? 1 : 0) * direction;
}

/** Sorts by the ordering key, ties broken by id in the same direction, so the order is total and repeatable. */
export function sortRecords<T extends { id: string }>(records: T[], ordering: Ordering<T>): T[] {
  const direction = ordering.descending ? -1 : 1;
  return records.sort((left, right) =>
    compareKeys(ordering.key(left), left.id, ordering.key(right), right.id, direction),
  );
}

/** The records after `cursor` in sorted order, at most `size` of them, and whether more follow. */
export function pageAfter<T extends { id: string }>(
  sorted: T[],
  ordering: Ordering<T>,
  cursor: PageCursor | undefined,
  size: number,
): { page: T[]; more: boolean } {
  const direction = ordering.descending ? -1 : 1;
  let start = cursor
    ? sorted.findIndex((record) => compareKeys(ordering.key(record), record.id, cursor.value, cursor.id, direction) > 0)
    : 0;
  if (start < 0) start = sorted.length;
  return { page: sorted.slice(start, start + size), more: start + size < sorted.length };
}
