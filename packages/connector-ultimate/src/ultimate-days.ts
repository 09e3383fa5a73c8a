const dayMilliseconds = 86_400_000;
const dayPattern = /^\d{4}-\d{2}-\d{2}$/;

/** True for a real calendar day written `YYYY-MM-DD` (2024-02-30 is not one). */
export function isRealDay(text: string): boolean {
  if (!dayPattern.test(text)) return false;
  const time = Date.parse(`${text}T00:00:00Z`);
  return !Number.isNaN(time) && new Date(time).toISOString().startsWith(text);
}

/** The UTC day of a moment, `YYYY-MM-DD`. */
export function dayOf(moment: Date): string {
  return moment.toISOString().slice(0, 10);
}

export function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * dayMilliseconds).toISOString().slice(0, 10);
}

/** Every day from `first` to `last`, both included; empty when `last` is before `first`. */
export function daysBetween(first: string, last: string): string[] {
  const days: string[] = [];
  for (let current = first; current <= last; current = addDays(current, 1)) days.push(current);
  return days;
}

export function laterDay(a: string, b: string): string {
  return a > b ? a : b;
}

export function earlierDay(a: string, b: string): string {
  return a < b ? a : b;
}
