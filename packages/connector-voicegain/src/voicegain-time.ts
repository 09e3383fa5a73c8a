// Wall-clock arithmetic for the account time zone: CSV times (seed 002: `05-12-2024 6:15:45 PM`) and query
// times without an offset, which the vendor reads in the project's zone (vendor-apis §2.3, §2.8 #3-4).

const quarterHourMs = 15 * 60_000;
const dayMs = 86_400_000;

/** The canonical IANA zones: listed in about a millisecond, where building a date formatter takes about ten. */
let canonicalZones: ReadonlySet<string> | undefined;

export function isKnownTimeZone(zone: string): boolean {
  // A JSON export builds no formatter at all: the config's check was the only one, at every run's start.
  canonicalZones ??= new Set(Intl.supportedValuesOf("timeZone"));
  if (canonicalZones.has(zone)) return true;
  // Aliases (`UTC`, `US/Central`) are known too, but not listed.
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** en-US numeric date and 24-hour time; four-digit years only (`Date.UTC` reads 0-99 as 1900-1999). */
const wallText = /^(\d{1,2})\/(\d{1,2})\/(\d{4}), (\d{1,2}):(\d{2}):(\d{2})$/;

/** UTC offsets of one IANA zone, cached per quarter hour (real zones only change offset on those boundaries). */
export class ZoneOffsets {
  readonly #format: Intl.DateTimeFormat;
  readonly #cache = new Map<number, number>();
  readonly #wallOffsets = new Map<number, number[]>();

  constructor(zone: string) {
    this.#format = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
  }

  /** Milliseconds to add to UTC to get the local wall clock at `epochMs`. */
  offsetAt(epochMs: number): number {
    const bucket = Math.floor(epochMs / quarterHourMs);
    const cached = this.#cache.get(bucket);
    if (cached !== undefined) return cached;
    const start = bucket * quarterHourMs;
    const wall = this.#wallAt(start);
    if (this.#cache.size > 50_000) this.#cache.clear();
    this.#cache.set(bucket, wall - start);
    return wall - start;
  }

  /**
   * The wall clock at `epochMs`, written as if it were UTC. Read from the formatter's text (`4/30/2024, 19:00:00`),
   * which costs a third of its parts (an export spanning a year misses the cache ~35k times); a text spelled any
   * other way is read from the parts.
   */
  #wallAt(epochMs: number): number {
    const match = wallText.exec(this.#format.format(epochMs));
    if (match !== null)
      return Date.UTC(
        Number(match[3]),
        Number(match[1]) - 1,
        Number(match[2]),
        Number(match[4]),
        Number(match[5]),
        Number(match[6]),
      );
    const parts: Record<string, number> = {};
    for (const part of this.#format.formatToParts(epochMs)) parts[part.type] = Number(part.value);
    return Date.UTC(parts.year ?? 0, (parts.month ?? 1) - 1, parts.day, parts.hour, parts.minute, parts.second);
  }

  /**
   * Every instant at which the wall clock shows `wallMs` (a local time written as if it were UTC): one normally,
   * two in the repeated hour when DST ends, none in the hour skipped when it starts.
   */
  instantsOf(wallMs: number): number[] {
    // Offsets change on quarter-hour boundaries of wall time too, so one answer serves a whole quarter hour.
    const bucket = Math.floor(wallMs / quarterHourMs);
    const offsets = this.#wallOffsets.get(bucket);
    if (offsets !== undefined) return offsets.map((offset) => wallMs - offset);
    const found = this.#instantsOf(wallMs);
    if (this.#wallOffsets.size > 50_000) this.#wallOffsets.clear();
    this.#wallOffsets.set(
      bucket,
      found.map((instant) => wallMs - instant),
    );
    return found;
  }

  #instantsOf(wallMs: number): number[] {
    const before = wallMs - this.offsetAt(wallMs - dayMs);
    const after = wallMs - this.offsetAt(wallMs + dayMs);
    const found: number[] = [];
    for (const candidate of before === after ? [before] : [before, after]) {
      if (candidate + this.offsetAt(candidate) === wallMs) found.push(candidate);
    }
    return found.sort((left, right) => left - right);
  }

  /** The instant for a wall time: the earlier one when repeated; for a skipped time, the offset from before the gap. */
  toInstant(wallMs: number): number {
    return this.instantsOf(wallMs)[0] ?? wallMs - this.offsetAt(wallMs - dayMs);
  }
}

const zones = new Map<string, ZoneOffsets>();

export function zoneOffsets(zone: string): ZoneOffsets {
  let offsets = zones.get(zone);
  if (offsets === undefined) {
    offsets = new ZoneOffsets(zone);
    zones.set(zone, offsets);
  }
  return offsets;
}

function validWall(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
): number | undefined {
  const wall = Date.UTC(year, month - 1, day, hour, minute, second);
  const check = new Date(wall);
  const ok =
    check.getUTCFullYear() === year &&
    check.getUTCMonth() === month - 1 &&
    check.getUTCDate() === day &&
    check.getUTCHours() === hour &&
    check.getUTCMinutes() === minute;
  return ok && second < 60 ? wall : undefined;
}

const queryPattern =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?([Zz]|[+-]\d{2}:\d{2})?)?$/;

/** Epoch milliseconds of an RFC 3339 date-time (or a date, meaning local midnight); without an offset it is read in `zone`. */
export function parseQueryTime(text: string, zone: string): number | undefined {
  const match = queryPattern.exec(text);
  if (match === null) return undefined;
  const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map((index) => Number(match[index] ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const wall = validWall(year, month, day, hour, minute, second);
  if (wall === undefined) return undefined;
  const fraction = match[7] === undefined ? 0 : Math.floor(Number(`0${match[7]}`) * 1000);
  const offset = match[8];
  if (offset === undefined) return zoneOffsets(zone).toInstant(wall) + fraction;
  if (offset === "Z" || offset === "z") return wall + fraction;
  const sign = offset.startsWith("-") ? -1 : 1;
  return wall + fraction - sign * (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(4, 6))) * 60_000;
}

const csvPattern = /^(\d{1,2})-(\d{1,2})-(\d{4}) (\d{1,2}):(\d{2}):(\d{2}) ?([AaPp][Mm])$/;
const csvDayPattern = /^(\d{1,2})-(\d{1,2})-(\d{4})$/;
/** Each `MM-DD-YYYY` seen, as its midnight written as a UTC wall time (NaN: no such day); an export spans few days. */
const csvDays = new Map<string, number>();

const digitAt = (text: string, index: number): number => {
  const code = text.charCodeAt(index) - 48;
  return code >= 0 && code <= 9 ? code : Number.NaN;
};

/**
 * The wall time of a CSV time in its usual spelling (`05-12-2024 6:15:45 PM`), read without a regular expression;
 * undefined for any other text, which `csvPattern` then reads (or refuses) as before.
 */
function usualCsvWall(text: string): number | undefined {
  const space = text.indexOf(" ");
  if (space === -1) return undefined;
  const date = text.slice(0, space);
  let midnight = csvDays.get(date);
  if (midnight === undefined) {
    const match = csvDayPattern.exec(date);
    midnight =
      (match === null ? undefined : validWall(Number(match[3]), Number(match[1]), Number(match[2]), 0, 0, 0)) ??
      Number.NaN;
    if (csvDays.size > 10_000) csvDays.clear();
    csvDays.set(date, midnight);
  }
  if (Number.isNaN(midnight)) return undefined;
  // h:mm:ss, then AM/PM with or without a space before it.
  let at = space + 1;
  let hour = digitAt(text, at++);
  if (text.charCodeAt(at) !== 58) hour = hour * 10 + digitAt(text, at++);
  if (text.charCodeAt(at) !== 58 || text.charCodeAt(at + 3) !== 58) return undefined;
  const minute = digitAt(text, at + 1) * 10 + digitAt(text, at + 2);
  const second = digitAt(text, at + 4) * 10 + digitAt(text, at + 5);
  at += 6;
  if (text.charCodeAt(at) === 32) at++;
  if (text.length !== at + 2 || (text.charCodeAt(at + 1) | 32) !== 109) return undefined;
  const half = text.charCodeAt(at) | 32;
  if (!(hour >= 1 && hour <= 12 && minute <= 59 && second <= 59) || (half !== 97 && half !== 112)) return undefined;
  return midnight + (((hour % 12) + (half === 112 ? 12 : 0)) * 3600 + minute * 60 + second) * 1000;
}

/**
 * The instants a CSV time (`MM-DD-YYYY h:mm:ss AM/PM`, local to `zone`) may stand for: usually one, two in the hour
 * repeated when DST ends. RFC 3339 text with an offset is accepted too. Undefined when the text is not a time.
 */
export function csvTimeInstants(text: string, zone: string): number[] | undefined {
  const usual = usualCsvWall(text);
  if (usual !== undefined) {
    const offsets = zoneOffsets(zone);
    const instants = offsets.instantsOf(usual);
    return instants.length > 0 ? instants : [offsets.toInstant(usual)];
  }
  const match = csvPattern.exec(text);
  if (match === null) {
    if (!/(?:[Zz]|[+-]\d{2}:\d{2})$/.test(text)) return undefined;
    const instant = parseQueryTime(text, zone);
    return instant === undefined ? undefined : [instant];
  }
  const [month, day, year, hour12, minute, second] = [1, 2, 3, 4, 5, 6].map((index) => Number(match[index])) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (hour12 < 1 || hour12 > 12) return undefined;
  const pm = (match[7] as string).toUpperCase() === "PM";
  const wall = validWall(year, month, day, (hour12 % 12) + (pm ? 12 : 0), minute, second);
  if (wall === undefined) return undefined;
  const offsets = zoneOffsets(zone);
  const instants = offsets.instantsOf(wall);
  return instants.length > 0 ? instants : [offsets.toInstant(wall)];
}

/**
 * Picks start and end among their candidate instants so that end - start best matches `duration` (seconds):
 * the CSV text is the same for both passes through the hour repeated when DST ends. A call wholly inside that hour
 * still fits both passes; then the export's order decides (ascending callId, so start times rise): the earliest
 * start not before `notBefore`, the previous call's start. Without that hint, the earlier instants.
 */
export function pickCallInstants(
  starts: readonly number[] | undefined,
  ends: readonly number[] | undefined,
  durationSeconds: number | undefined,
  notBefore?: number,
): { start: number | undefined; end: number | undefined } {
  const start = starts?.[0];
  const end = ends?.[0];
  if ((starts?.length ?? 0) < 2 && (ends?.length ?? 0) < 2) return { start, end };
  const pairs: { start: number | undefined; end: number | undefined; error: number }[] = [];
  for (const candidateStart of starts ?? [undefined]) {
    for (const candidateEnd of ends ?? [undefined]) {
      const error =
        candidateStart === undefined || candidateEnd === undefined || durationSeconds === undefined
          ? 0
          : Math.abs((candidateEnd - candidateStart) / 1000 - durationSeconds);
      pairs.push({ start: candidateStart, end: candidateEnd, error });
    }
  }
  const bestError = Math.min(...pairs.map((pair) => pair.error));
  const best = pairs.filter((pair) => pair.error <= bestError + 1);
  const ordered =
    notBefore === undefined ? undefined : best.find((pair) => pair.start === undefined || pair.start >= notBefore);
  const chosen = ordered ?? best[0];
  return { start: chosen?.start, end: chosen?.end };
}
