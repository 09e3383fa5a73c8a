import type { CcaiExportConfig } from "./ccai-config.ts";
import { combineFilter, timeTerm } from "./ccai-filter.ts";

/** A half-open time range [from, to) on one time field; no bounds at all for an unbounded first export. */
export interface TimeWindow {
  readonly field: "update_time" | "create_time";
  readonly from: string | undefined;
  readonly to: string | undefined;
}

const iso = (milliseconds: number) => new Date(milliseconds).toISOString();

/**
 * An export covers at most 100,000 conversations (vendor-apis §1.11), so a range is cut into `windowDays` windows:
 * by update time after a watermark (incremental), by create time from `startTime` (first export).
 */
export function exportWindows(
  settings: Pick<CcaiExportConfig, "startTime" | "windowDays">,
  since: string | undefined,
  now: Date,
): TimeWindow[] {
  const start = since ?? settings.startTime;
  if (start === undefined) return [{ field: "create_time", from: undefined, to: undefined }];
  const field = since === undefined ? "create_time" : "update_time";
  const step = settings.windowDays * 86_400_000;
  const end = now.getTime();
  const windows: TimeWindow[] = [];
  for (let from = Date.parse(start); ; from += step) {
    const to = from + step;
    windows.push({ field, from: windows.length === 0 ? start : iso(from), to: to >= end ? undefined : iso(to) });
    if (to >= end) return windows;
  }
}

export function windowFilter(userFilter: string | undefined, window: TimeWindow): string {
  return combineFilter(userFilter, [
    ...(window.from === undefined ? [] : [timeTerm(window.field, ">=", window.from)]),
    ...(window.to === undefined ? [] : [timeTerm(window.field, "<", window.to)]),
  ]);
}
