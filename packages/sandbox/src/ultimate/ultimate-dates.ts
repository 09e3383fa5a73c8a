const dayMilliseconds = 86_400_000;
const isoDayPattern = /^(\d{4})-(\d{2})-(\d{2})$/;

export { dayMilliseconds };

/** Days since 1970-01-01 for a strict `YYYY-MM-DD` calendar date, or undefined when it is not one. */
export function parseDay(text: string): number | undefined {
  const match = isoDayPattern.exec(text);
  if (!match) return undefined;
  const [, year, month, day] = match.map(Number) as [number, number, number, number];
  const milliseconds = Date.UTC(year, month - 1, day);
  const date = new Date(milliseconds);
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return undefined;
  return milliseconds / dayMilliseconds;
}

export function requireDay(text: string): number {
  const day = parseDay(text);
  if (day === undefined) throw new Error(`not a YYYY-MM-DD date: ${text}`);
  return day;
}

export function formatDay(day: number): string {
  return new Date(day * dayMilliseconds).toISOString().slice(0, 10);
}

/** `20240503`, as in the export file names (seed 004). */
export function compactDay(day: number): string {
  return formatDay(day).replaceAll("-", "");
}

export function dayOf(time: Date): number {
  return Math.floor(time.getTime() / dayMilliseconds);
}

const twoDigits = Array.from({ length: 100 }, (_, value) => String(value).padStart(2, "0"));
const threeDigits = Array.from({ length: 1000 }, (_, value) => String(value).padStart(3, "0"));
const dayPrefixes = new Map<number, string>();

/**
 * `2024-05-03T08:10:01.211+00:00`, the timestamp form of the seed 004 example. Built by hand with cached day
 * prefixes because `toISOString` dominated the cost of generating large days.
 */
export function formatTimestamp(milliseconds: number): string {
  const day = Math.floor(milliseconds / dayMilliseconds);
  let prefix = dayPrefixes.get(day);
  if (prefix === undefined) {
    if (dayPrefixes.size > 4096) dayPrefixes.clear();
    prefix = new Date(day * dayMilliseconds).toISOString().slice(0, 11);
    dayPrefixes.set(day, prefix);
  }
  let rest = milliseconds - day * dayMilliseconds;
  const hours = Math.floor(rest / 3_600_000);
  rest -= hours * 3_600_000;
  const minutes = Math.floor(rest / 60_000);
  rest -= minutes * 60_000;
  const seconds = Math.floor(rest / 1000);
  return `${prefix}${twoDigits[hours]}:${twoDigits[minutes]}:${twoDigits[seconds]}.${threeDigits[rest - seconds * 1000]}+00:00`;
}

/** `20240503T081001Z`, the GCS `X-Goog-Date` form. */
export function formatGoogleDate(milliseconds: number): string {
  return `${new Date(milliseconds).toISOString().slice(0, 19).replaceAll("-", "").replaceAll(":", "")}Z`;
}

export function parseGoogleDate(text: string): number | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second] = match.map(Number) as number[];
  return Date.UTC(year as number, (month as number) - 1, day, hour, minute, second);
}

export function toDate(value: Date | string | number): Date {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new Error(`not a time: ${String(value)}`);
  return date;
}
