import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";

export const dialects = ["duckdb", "postgres", "bigquery"] as const;
export type Dialect = (typeof dialects)[number];

/** One view of `sql/`: its portable file and its dialect variants, as `parley views apply` reads them. */
export interface SqlView {
  /** The sub-folder: a connector type, or a cross-vendor folder. */
  readonly folder: string;
  readonly name: string;
  /** File names relative to `sql/`, in name order. */
  readonly files: readonly string[];
  readonly portable?: string;
  readonly variants: Partial<Record<Dialect, string>>;
}

const viewStatement = /^\s*CREATE\s+OR\s+REPLACE\s+VIEW\s+([A-Za-z_][A-Za-z0-9_]*)\s+AS\s+/im;

/** Splits a view file into its header comment, the view name and the query after `AS` (without a final semicolon). */
export function splitViewFile(sql: string, file: string): { header: string; name: string; query: string } {
  const match = viewStatement.exec(sql);
  if (match === null) throw new Error(`${file}: expected one CREATE OR REPLACE VIEW <name> AS <query>`);
  const header = sql.slice(0, match.index).trim();
  const query = sql
    .slice(match.index + match[0].length)
    .trim()
    .replace(/;\s*$/, "");
  return { header, name: match[1] as string, query };
}

/**
 * Every view of every top-level folder of `sql/`, in apply order (folder, then file name). Sub-folders of a
 * connector folder (sql/ccai/export/) hold views `parley views apply` does not apply, so they are not read here.
 */
export async function readSqlViews(sqlDirectory: string): Promise<SqlView[]> {
  const folders = (await readdir(sqlDirectory, { withFileTypes: true }))
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  const views: SqlView[] = [];
  for (const folder of folders) {
    const names = (await readdir(join(sqlDirectory, folder))).filter((name) => name.endsWith(".sql")).sort();
    const byBase = new Map<
      string,
      { files: string[]; portable?: string; variants: Partial<Record<Dialect, string>> }
    >();
    for (const name of names) {
      const [base, variant] = name.slice(0, -".sql".length).split(".") as [string, string | undefined];
      const entry = byBase.get(base) ?? { files: [], variants: {} };
      byBase.set(base, entry);
      entry.files.push(`${folder}/${name}`);
      const text = await readFile(join(sqlDirectory, folder, name), "utf8");
      if (variant === undefined) entry.portable = text;
      else if ((dialects as readonly string[]).includes(variant)) entry.variants[variant as Dialect] = text;
      else throw new Error(`sql/${folder}/${name}: unknown dialect "${variant}" (expected ${dialects.join(", ")})`);
    }
    for (const [base, entry] of [...byBase.entries()].sort(([left], [right]) => left.localeCompare(right))) {
      const first = entry.portable ?? Object.values(entry.variants)[0] ?? "";
      const { name } = splitViewFile(first, `sql/${entry.files[0]}`);
      if (base.replace(/^\d+_/, "") !== name)
        throw new Error(`sql/${entry.files[0]}: the file creates ${name}; name the file after its view`);
      views.push({ folder, name, ...entry });
    }
  }
  return views;
}
