import { spawnSync } from "node:child_process";
import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, expect, test } from "vitest";
import { createStagingArea } from "./staging-area.ts";

let work: string | undefined;
afterEach(async () => {
  if (work !== undefined) await rm(work, { recursive: true, force: true });
});

/** The pid of a process that has exited. */
function deadPid(): number {
  return spawnSync(process.execPath, ["-e", ""]).pid as number;
}

test("staged files are owner-only, in a private folder per run, split by size, and gone after close", async () => {
  work = await mkdtemp(join(tmpdir(), "parley-staging-test-"));
  const area = await createStagingArea(work);
  expect((await stat(join(work, "parley-staging"))).mode & 0o777).toBe(0o700);
  expect((await stat(area.directory)).mode & 0o777).toBe(0o700);
  const rows = Array.from({ length: 10 }, (_, index) => ({ id: index, big: 2n ** 60n, text: "x".repeat(50) }));
  const paths = await area.writeNdjson(rows, 300);
  expect(paths.length).toBeGreaterThan(2);
  for (const path of paths) {
    expect(path.startsWith(area.directory)).toBe(true);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  }
  await area.close();
  await expect(stat(area.directory)).rejects.toThrow(/ENOENT/);
});

test("folders left by dead runs on this host are removed when the next run opens its area; live ones stay", async () => {
  work = await mkdtemp(join(tmpdir(), "parley-staging-test-"));
  const host = hostname().replace(/[^A-Za-z0-9]/g, "");
  const dead = join(work, "parley-staging", `run-${host}-${deadPid()}-abc123`);
  const live = join(work, "parley-staging", `run-${host}-${process.pid}-def456`);
  const otherHost = join(work, "parley-staging", `run-elsewhere-${deadPid()}-ghi789`);
  for (const folder of [dead, live, otherHost]) {
    await mkdir(folder, { recursive: true });
    await writeFile(join(folder, "batch.ndjson"), "");
  }
  const area = await createStagingArea(work);
  const left = await readdir(join(work, "parley-staging"));
  expect(left.sort()).toEqual([live, otherHost, area.directory].map((path) => path.split("/").at(-1) as string).sort());
  await area.close();
});
