import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * `pnpm bench`: runs every package's benchmark scripts (`packages/*\/bench/*.bench.ts`) one after another,
 * each in its own process so peak-memory figures are its own. Each script prints its figures and the ratio
 * to the practical limit it measures in the same run. Arguments after `--` filter by file name.
 */
const root = fileURLToPath(new URL("..", import.meta.url));
const filters = process.argv.slice(2);
const scripts: string[] = [];
for (const folder of ["packages", "apps"]) {
  for (const name of readdirSync(join(root, folder))) {
    const bench = join(root, folder, name, "bench");
    if (!existsSync(bench)) continue;
    for (const file of readdirSync(bench)
      .filter((entry) => entry.endsWith(".bench.ts"))
      .sort()) {
      if (filters.length === 0 || filters.some((filter) => file.includes(filter))) scripts.push(join(bench, file));
    }
  }
}
if (scripts.length === 0) {
  console.error(`no benchmark matches ${filters.join(" ") || "(none found)"}`);
  process.exit(1);
}
let failed = 0;
for (const script of scripts) {
  console.log(`\n=== ${script.slice(root.length)}`);
  const result = spawnSync(process.execPath, ["--conditions=@parley/source", "--expose-gc", script], {
    cwd: join(script, "..", ".."),
    stdio: "inherit",
  });
  if (result.status !== 0) failed += 1;
}
process.exit(failed === 0 ? 0 : 1);
