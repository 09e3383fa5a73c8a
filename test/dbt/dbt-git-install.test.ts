import { readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, expect, test } from "vitest";
import { stringify } from "yaml";
import { createDbtProject, dbtVenv, repositoryRoot } from "./dbt-project.ts";

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/**
 * The other way dbt/README.md offers: `packages.yml` with the repository as a git URL and `subdirectory: dbt`.
 * The repository here is this checkout (dbt clones its committed HEAD), so this checks the git install path:
 * dbt finds the package in the sub-folder and lists every model the package holds.
 */
test("packages.yml with git + subdirectory: dbt deps installs the package and dbt lists its models", async () => {
  const venv = await dbtVenv();
  const project = await createDbtProject(venv, { type: "duckdb", path: ":memory:", schema: "main" }, {});
  cleanups.push(project.cleanup);
  await writeFile(
    join(project.directory, "packages.yml"),
    stringify({ packages: [{ git: repositoryRoot, subdirectory: "dbt" }] }),
  );
  const deps = await project.dbt(["deps"]);
  expect(deps).toMatch(/and subdirectory dbt/);
  const installed = join(project.directory, "dbt_packages/parley/models");
  const files = await readdir(installed, { recursive: true });
  const models = files
    .filter((file) => file.endsWith(".sql"))
    .map((file) => (file.split("/").at(-1) as string).slice(0, -4));
  expect(models.length).toBeGreaterThan(10);
  const listed = await project.dbt(["ls", "--resource-type", "model", "--output", "name", "--quiet"]);
  expect(listed.trim().split("\n").sort()).toEqual(models.sort());
}, 300_000);
