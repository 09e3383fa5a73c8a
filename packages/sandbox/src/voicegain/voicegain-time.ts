// Time zone arithmetic for the account time zone: CSV timestamps (seed 002: `05-12-2024 6:15:45 PM`) and
// query date-times without an offset, which the vendor reads in the project's or account's zone (vendor-apis §2.3).

const bucketMs = 15 * 60_000;
const dayMs = 86_400_000;

interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  weekday: number;
}

const weekdays: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };

/** Converts instants to wall-clock time in one IANA zone; offsets are cached per quarter hour, so it stays fast. */
export class ZoneClock {
  readonly timeZone: string;
  private readonly format: Intl.DateTimeFormat;
  private readonly offsets = new Map<number, number>();

  constructor(timeZone: string) {
    this.timeZone = timeZone;
    // Throws a RangeError for an unknown zone, which is what a bad emulator option deserves.
    this.format = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
      weekday: "short",
    });
  }

  /** Milliseconds to add to UTC to get local wall-clock time at `epochMs`. */
  offsetAt(epochMs: number): number {
    // Real zones change offset on quarter-hour boundaries, so one lookup per bucket is exact.
    const bucket = Math.floor(epochMs / bucketMs);
    const cached = this.offsets.get(bucket);
    if (cached !== undefined) return cached;
    const start = bucket * bucketMs;
    const parts = this.partsFromIntl(start);
    const offset = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second) - start;
    if (this.offsets.size > 100_000) this.offsets.clear();
    this.offsets.set(bucket, offset);
    return offset;
  }

  parts(epochMs: number): LocalParts {
    const local = new Date(epochMs + this.offsetAt(epochMs));
    return {
      year: local.getUTCFullYear(),
      month: local.getUTCMonth() + 1,
      day: local.getUTCDate(),
      hour: local.getUTCHours(),
      minute: local.getUTCMinutes(),
      second: local.getUTCSeconds(),
      weekday: local.getUTCDay(),
    };
  }

  /**
   * The instant at which the wall clock shows the given local time: the earlier one in a DST overlap, and for a time
   * skipped by DST the offset from before the change (like Temporal's "compatible" disambiguation).
   */
  toEpoch(year: number, month: number, day: number, hour = 0, minute = 0, second = 0, millisecond = 0): number {
    const wall = Date.UTC(year, month - 1, day, hour, minute, second, millisecond);
    const before = this.offsetAt(wall - dayMs);
    const after = this.offsetAt(wall + dayMs);
    const valid = [wall - before, wall - after].filter((epoch) => epoch + this.offsetAt(epoch) === wall);
    return valid.length > 0 ? Math.min(...valid) : wall - before;
  }

  /** `MM-DD-YYYY h:mm:ss AM/PM`, the vendor's CSV timestamp format. */
  formatCsv(epochMs: number): string {
    const parts = this.parts(epochMs);
    const hour12 = parts.hour % 12 === 0 ? 12 : parts.hour % 12;
    const meridiem = parts.hour < 12 ? "AM" : "PM";
    return `${pad(parts.month)}-${pad(parts.day)}-${parts.year} ${hour12}:${pad(parts.minute)}:${pad(parts.second)} ${meridiem}`;
  }

  private partsFromIntl(epochMs: number): LocalParts {
    const values: Record<string, string> = {};
    for (const part of this.format.formatToParts(epochMs)) values[part.type] = part.value;
    return {
      year: Number(values.year),
      month: Number(values.month),
      day: Number(values.day),
      hour: Number(values.hour),
      minute: Number(values.minute),
      second: Number(values.second),
      weekday: weekdays[values.weekday ?? "Sun"] ?? 0,
    };
  }
}

function pad(value: number): string {
  return value < 10 ? `0${value}` : String(value);
}

const dateTimePattern = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})?$/;

/** Parses an RFC 3339 §5.6 date-time; without an offset it is read in `clock`'s zone. Undefined when invalid. */
export function parseQueryTime(text: string, clock: ZoneClock): number | undefined {
  const match = dateTimePattern.exec(text);
  if (!match) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const fraction = match[7] ? Math.floor(Number(`0${match[7]}`) * 1000) : 0;
  const check = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  const valid =
    check.getUTCFullYear() === year &&
    check.getUTCMonth() === month - 1 &&
    check.getUTCDate() === day &&
    check.getUTCHours() === hour &&
    check.getUTCMinutes() === minute &&
    check.getUTCSeconds() === second;
  if (!valid) return undefined;
  const offset = match[8];
  if (offset === undefined) return clock.toEpoch(year, month, day, hour, minute, second, fraction);
  const utc = check.getTime() + fraction;
  if (offset === "Z" || offset === "z") return utc;
  const sign = offset.startsWith("-") ? -1 : 1;
  const offsetMinutes = Number(offset.slice(1, 3)) * 60 + Number(offset.slice(4, 6));
  return utc - sign * offsetMinutes * 60_000;
}
