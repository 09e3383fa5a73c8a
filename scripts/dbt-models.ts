import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join, relative, resolve } from "node:path";
import { dbtPackageFiles } from "./dbt/dbt-package-files.ts";

/**
 * Writes the dbt package's models (dbt/models/) from the views of sql/, the one definition of every metric.
 * `--check` writes nothing and exits 1 when dbt/ differs from what sql/ gives (what the test in test/dbt/ runs).
 */
const root = resolve(import.meta.dirname, "..");
const modelsDirectory = join(root, "dbt/models");

async function filesOnDisk(directory: string): Promise<Map<string, string>> {
  const entries = await readdir(directory, { recursive: true, withFileTypes: true }).catch(() => []);
  const files = new Map<string, string>();
  for (const entry of entries.filter((candidate) => candidate.isFile())) {
    const path = join(entry.parentPath, entry.name);
    files.set(relative(join(root, "dbt"), path), await readFile(path, "utf8"));
  }
  return files;
}

/** The differences between dbt/models and what sql/ generates: paths missing, stale or changed. */
export async function dbtModelDrift(sqlDirectory = join(root, "sql")): Promise<string[]> {
  const expected = await dbtPackageFiles(sqlDirectory);
  const actual = await filesOnDisk(modelsDirectory);
  const drift: string[] = [];
  for (const [path, text] of expected) if (actual.get(path) !== text) drift.push(`${path} differs from sql/`);
  for (const path of actual.keys()) if (!expected.has(path)) drift.push(`${path} has no view in sql/`);
  return drift.sort();
}

async function writeModels(): Promise<void> {
  const expected = await dbtPackageFiles(join(root, "sql"));
  await rm(modelsDirectory, { recursive: true, force: true });
  for (const [path, text] of expected) {
    await mkdir(dirname(join(root, "dbt", path)), { recursive: true });
    await writeFile(join(root, "dbt", path), text);
  }
  process.stdout.write(`wrote ${expected.size} file(s) under dbt/models\n`);
}

if (import.meta.main) {
  if (process.argv.includes("--check")) {
    const drift = await dbtModelDrift();
    for (const line of drift) process.stderr.write(`${line}\n`);
    if (drift.length > 0) process.stderr.write("run `pnpm dbt:models` to regenerate dbt/models from sql/\n");
    process.exitCode = drift.length === 0 ? 0 : 1;
  } else {
    await writeModels();
  }
}
