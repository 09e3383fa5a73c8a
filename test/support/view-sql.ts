import { readFile } from "node:fs/promises";

/** The literal the view files hold where the reporting time zone goes (sql/README.md). */
export const reportingTimeZonePlaceholder = "'__PARLEY_REPORTING_TIME_ZONE__'";

/** A view file's SQL as `parley views apply --reporting-time-zone <zone>` runs it. */
export async function readViewSql(path: string, zone = "UTC"): Promise<string> {
  return (await readFile(path, "utf8")).replaceAll(reportingTimeZonePlaceholder, `'${zone}'`);
}
