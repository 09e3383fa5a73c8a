import type { VoicegainPeriod, VoicegainQuery, VoicegainSortKey } from "./voicegain-query.ts";
import { isTerminalPhase, oncePerCall, type VoicegainCall } from "./voicegain-records.ts";
import type { ZoneClock } from "./voicegain-time.ts";

export interface SelectContext {
  clock: ZoneClock;
  nowMs: number;
  /** First day of `thisWeek`: 0 = Sunday, 1 = Monday. Undocumented by the vendor. */
  weekStartsOn: 0 | 1;
  /** Length of the range the server assumes for a missing fromTime or toTime; `undefined`: no default range. */
  defaultWindowMs: number | undefined;
}

const dayMs = 86_400_000;

/**
 * The calls matching `query`, in response order. In consecutive mode: ascending callId, cut before the first call
 * still being processed (seed 002; vendor-apis §2.4), so X-Total-Count counts only what can be exported now.
 */
export function selectCalls(
  calls: readonly VoicegainCall[],
  query: VoicegainQuery,
  context: SelectContext,
): VoicegainCall[] {
  const [fromMs, toMs] = timeRange(query, context);
  const matches = (call: VoicegainCall): boolean => {
    if (query.afterCallId !== undefined && Number(call.callId) <= query.afterCallId) return false;
    if (fromMs !== undefined || toMs !== undefined) {
      const startMs = startMsOf(call);
      if (fromMs !== undefined && !(startMs >= fromMs)) return false;
      if (toMs !== undefined && !(startMs <= toMs)) return false;
    }
    if (query.direction !== undefined && call.direction !== query.direction) return false;
    if (!oneOf(query.agentId, call.agent?.agentId)) return false;
    if (!oneOf(query.queueId, call.queue?.queueId)) return false;
    if (!oneOf(query.aivrAppId, call.aivrAppId)) return false;
    if (!oneOf(query.internalEndpoint, call.internalEndpoint)) return false;
    if (!oneOf(query.userGroupIds, call.team)) return false;
    if (!oneOf(query.recomputePhase, call.recomputePhase)) return false;
    if (query.voicemail !== undefined && hasVoicemail(call) !== query.voicemail) return false;
    return true;
  };
  const selected = calls.filter(matches);
  if (query.consecutive) {
    const blocked = selected.findIndex((call) => !isTerminalPhase(call.progressPhase));
    return blocked === -1 ? selected : selected.slice(0, blocked);
  }
  const first = query.sort[0];
  const isDefaultOrder = query.sort.length === 1 && first?.field === "documentId" && first.direction === "asc";
  return isDefaultOrder ? selected : selected.sort(comparator(query.sort));
}

/** Each call's start instant, parsed once per call object, not once per page. */
const startMsOf = oncePerCall((call) => (call.startTime === undefined ? Number.NaN : Date.parse(call.startTime)));

function oneOf(wanted: readonly string[] | undefined, value: string | undefined): boolean {
  return wanted === undefined || (value !== undefined && wanted.includes(value));
}

function hasVoicemail(call: VoicegainCall): boolean {
  return call.markers?.some((marker) => marker.type === "VM_START") ?? false;
}

/**
 * The start-time range a request selects. Voicegain's own export script always sends fromTime and, since Dec 2024,
 * toTime=2525-01-01T00:00:00Z "to get all the data" (vendor-apis §2.4), so the server applies a default range when
 * they are missing; its length is not documented, so it is an option here. Without both times (and no period),
 * the range ends now; with one, it extends that far from the given end.
 */
function timeRange(query: VoicegainQuery, context: SelectContext): [number | undefined, number | undefined] {
  let fromMs = query.fromMs;
  let toMs = query.toMs;
  const window = context.defaultWindowMs;
  if (window !== undefined && query.period === undefined) {
    if (fromMs === undefined && toMs === undefined) toMs = context.nowMs;
    if (fromMs === undefined && toMs !== undefined) fromMs = toMs - window;
    else if (toMs === undefined && fromMs !== undefined) toMs = fromMs + window;
  }
  if (query.period !== undefined) {
    // The period is intersected with fromTime/toTime (vendor-apis §2.3).
    const periodFrom = periodStart(query.period, context);
    fromMs = fromMs === undefined ? periodFrom : Math.max(fromMs, periodFrom);
    toMs = toMs === undefined ? context.nowMs : Math.min(toMs, context.nowMs);
  }
  return [fromMs, toMs];
}

/** Start of a named period, calendar periods in the account time zone. */
export function periodStart(period: VoicegainPeriod, context: SelectContext): number {
  const { clock, nowMs } = context;
  const local = clock.parts(nowMs);
  switch (period) {
    case "today":
      return clock.toEpoch(local.year, local.month, local.day);
    case "last24hours":
      return nowMs - dayMs;
    case "thisWeek": {
      const back = (local.weekday - context.weekStartsOn + 7) % 7;
      return clock.toEpoch(local.year, local.month, local.day - back);
    }
    case "last7days":
      return nowMs - 7 * dayMs;
    case "thisMonth":
      return clock.toEpoch(local.year, local.month, 1);
    case "last30days":
      return nowMs - 30 * dayMs;
    case "thisYear":
      return clock.toEpoch(local.year, 1, 1);
    case "last365days":
      return nowMs - 365 * dayMs;
  }
}

function comparator(keys: readonly VoicegainSortKey[]): (left: VoicegainCall, right: VoicegainCall) => number {
  return (left, right) => {
    for (const key of keys) {
      const order = compareBy(key, left, right);
      if (order !== 0) return order;
    }
    return Number(left.callId) - Number(right.callId);
  };
}

function compareBy(key: VoicegainSortKey, left: VoicegainCall, right: VoicegainCall): number {
  const sign = key.direction === "asc" ? 1 : -1;
  if (key.field === "documentId") return sign * (Number(left.callId) - Number(right.callId));
  if (key.field === "time") {
    const [a, b] = [left.startTime ?? "", right.startTime ?? ""];
    return sign * (a < b ? -1 : a > b ? 1 : 0);
  }
  // Calls without a score go last in either direction (undocumented; a guess).
  if (left.score === undefined || right.score === undefined) {
    return (left.score === undefined ? 1 : 0) - (right.score === undefined ? 1 : 0);
  }
  return sign * (left.score - right.score);
}
