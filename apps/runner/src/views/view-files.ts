import { existsSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { SqlDialect } from "@parley/core";

/**
 * The shipped `sql/` folder: copied into the package when it is packed (installed use), else the repository's
 * own (a checkout). `src/views` and `dist/views` are both two levels below the package root.
 */
export function defaultViewsDirectory(): string {
  const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
  const packaged = join(packageRoot, "sql");
  return existsSync(packaged) ? packaged : resolve(packageRoot, "../../sql");
}

export interface ViewFile {
  /** The connector type the view reads (the sub-folder name). */
  readonly sourceType: string;
  readonly path: string;
  readonly sql: string;
}

const viewName = /CREATE\s+OR\s+REPLACE\s+VIEW\s+([`"]?[A-Za-z_][A-Za-z0-9_.]*[`"]?)/i;

/**
 * The statement that installs a view file. PostgreSQL's `CREATE OR REPLACE VIEW` cannot drop, rename or
 * retype columns, so a view whose columns changed between releases is dropped first there; views that read
 * it are dropped with it and come back as their own (later-numbered) files are applied.
 */
export function installStatement(file: ViewFile, dialect: SqlDialect): string {
  if (dialect !== "postgres") return file.sql;
  const name = viewName.exec(file.sql)?.[1];
  return name === undefined ? file.sql : `DROP VIEW IF EXISTS ${name} CASCADE;\n${file.sql}`;
}

/**
 * Portable SQL double-quotes identifiers (standard SQL, understood by DuckDB and PostgreSQL);
 * BigQuery quotes them with backticks. This is the only rewrite applied to a portable file.
 */
export function toDialect(sql: string, dialect: SqlDialect): string {
  if (dialect !== "bigquery") return sql;
  // Skips string literals ('it''s') and comments, so only real identifiers are rewritten.
  return sql.replace(
    /'(?:[^']|'')*'|--[^\n]*|\/\*[\s\S]*?\*\/|"([A-Za-z_][A-Za-z0-9_]*)"/g,
    (match, identifier: string | undefined) => (identifier === undefined ? match : `\`${identifier}\``),
  );
}

/**
 * The views for `dialect`, in file-name order per source type: `NN_name.<dialect>.sql` where a dialect
 * truly differs, else the portable `NN_name.sql`.
 */
export async function listViewFiles(
  directory: string,
  dialect: SqlDialect,
  sourceTypes?: readonly string[],
): Promise<ViewFile[]> {
  const entries = await readdir(directory, { withFileTypes: true });
  const files: ViewFile[] = [];
  for (const folder of entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()) {
    if (sourceTypes !== undefined && !sourceTypes.includes(folder)) continue;
    const names = (await readdir(join(directory, folder))).filter((name) => name.endsWith(".sql")).sort();
    const chosen = new Map<string, { name: string; isVariant: boolean }>();
    for (const name of names) {
      const [base, variant] = name.slice(0, -".sql".length).split(".") as [string, string | undefined];
      if (variant === undefined) {
        if (!chosen.has(base)) chosen.set(base, { name, isVariant: false });
      } else if (variant === dialect) {
        chosen.set(base, { name, isVariant: true });
      }
    }
    for (const base of [...chosen.keys()].sort()) {
      const { name, isVariant } = chosen.get(base) as { name: string; isVariant: boolean };
      const path = join(directory, folder, name);
      const text = await readFile(path, "utf8");
      files.push({ sourceType: folder, path, sql: isVariant ? text : toDialect(text, dialect) });
    }
  }
  return files;
}
