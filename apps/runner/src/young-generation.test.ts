import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { expect, test } from "vitest";

const module = fileURLToPath(new URL("./young-generation.ts", import.meta.url));

/** A child that keeps 300k small objects alive in a ring while it makes 8M, then prints its young generation (MB). */
function youngGenerationAfterChurn(cap: boolean): number {
  const script = `
    import v8 from "node:v8";
    import { capYoungGeneration } from ${JSON.stringify(module)};
    if (${cap}) capYoungGeneration();
    const ring = new Array(300_000);
    let made = 0;
    while (made < 8_000_000) {
      for (let step = 0; step < 20_000; step += 1, made += 1) ring[made % ring.length] = { id: "r" + made, made };
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    const space = v8.getHeapSpaceStatistics().find((entry) => entry.space_name === "new_space");
    process.stdout.write(String(Math.round(space.space_size / 1048576)));`;
  const child = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
  expect(child.stderr).toBe("");
  return Number(child.stdout);
}

test("the young generation stops growing at the cap, checked as the CLI checks it (V8 alone grows it to 128 MB on Node 24 under the same churn)", () => {
  expect(youngGenerationAfterChurn(false)).toBeGreaterThan(64);
  // The cap (16 MB), or one doubling past it when a check comes late on a busy machine.
  expect(youngGenerationAfterChurn(true)).toBeLessThanOrEqual(32);
}, 60_000);
