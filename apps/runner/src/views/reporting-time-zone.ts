import { ConfigError } from "@parley/core";

/** The literal every view file writes where the reporting time zone goes (the dbt generator replaces it too). */
export const reportingTimeZonePlaceholder = "'__PARLEY_REPORTING_TIME_ZONE__'";

export const defaultReportingTimeZone = "UTC";

// An IANA name (Area/Location, or UTC): offsets such as "+05:00" are refused because PostgreSQL reads POSIX
// offsets with the opposite sign, so the same text would give different days on different warehouses.
const ianaName = /^(?:UTC|[A-Za-z][A-Za-z0-9_+-]*(?:\/[A-Za-z0-9_+-]+)+)$/;

/** Validates `zone` as an IANA time zone name known to this runtime; the error names the option. */
export function parseReportingTimeZone(zone: string | undefined, option = "--reporting-time-zone"): string {
  if (zone === undefined) return defaultReportingTimeZone;
  let known = false;
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    known = ianaName.test(zone);
  } catch {
    known = false;
  }
  if (!known)
    throw new ConfigError([
      {
        path: option,
        message: `"${zone}" is not an IANA time zone name; give one such as UTC, America/New_York or Europe/Berlin`,
      },
    ]);
  return zone;
}

/** The view SQL with the placeholder replaced by the quoted zone (validated, so it holds no quote). */
export function withReportingTimeZone(sql: string, zone: string): string {
  return sql.replaceAll(reportingTimeZonePlaceholder, `'${zone}'`);
}
