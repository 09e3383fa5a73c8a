import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * `pnpm bench`: runs every `bench/*.bench.ts` one after another, each in its own process. Each one prints its
 * figures beside the practical limit it measures in the same run (and the dlt peer where there is one).
 * Arguments filter by file name (`pnpm bench ultimate`); BENCH_QUICK=1 runs small inputs as a smoke test.
 * The machine's load average is printed before each, because figures from a busy machine are not comparable.
 */
const here = fileURLToPath(new URL(".", import.meta.url));
const filters = process.argv.slice(2);
const scripts = readdirSync(here)
  .filter((name) => name.endsWith(".bench.ts"))
  .filter((name) => filters.length === 0 || filters.some((filter) => name.includes(filter)))
  .sort();
if (scripts.length === 0) {
  console.error(
    `no benchmark matches ${filters.join(" ")}; there are: ${readdirSync(here)
      .filter((name) => name.endsWith(".bench.ts"))
      .join(", ")}`,
  );
  process.exit(1);
}
let failed = 0;
for (const script of scripts) {
  const load = loadavg()
    .map((value) => value.toFixed(2))
    .join(" ");
  console.log(
    `\n=== bench/${script} (${new Date().toISOString()}, load average ${load} on ${availableParallelism()} cores)`,
  );
  const result = spawnSync(process.execPath, ["--conditions=@parley/source", join(here, script)], { stdio: "inherit" });
  if (result.status !== 0) failed += 1;
}
process.exit(failed === 0 ? 0 : 1);
