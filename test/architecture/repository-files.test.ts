import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, test } from "vitest";

const root = fileURLToPath(new URL("../..", import.meta.url));

function packageNames(): Set<string> {
  const names = ["packages", "apps"].flatMap((folder) =>
    readdirSync(join(root, folder)).map(
      (name) => (JSON.parse(readFileSync(join(root, folder, name, "package.json"), "utf8")) as { name: string }).name,
    ),
  );
  return new Set(names);
}

test("every changeset has front matter naming existing packages and a bump, then a summary", () => {
  const known = packageNames();
  const files = readdirSync(join(root, ".changeset")).filter((name) => name.endsWith(".md") && name !== "README.md");
  expect(files.length).toBeGreaterThan(0);
  for (const file of files) {
    const text = readFileSync(join(root, ".changeset", file), "utf8");
    const match = /^---\n((?:"@parley\/[a-z-]+": (?:major|minor|patch)\n)+)---\n\n\S/.exec(text);
    expect(match, `${file} is not in changeset format`).not.toBeNull();
    for (const line of (match?.[1] ?? "").trim().split("\n")) {
      const name = line.slice(1, line.indexOf('"', 1));
      expect(known.has(name), `${file} names unknown package ${name}`).toBe(true);
    }
  }
});

test("each package README's settings table is the one generated from its zod schema", () => {
  const run = spawnSync(
    process.execPath,
    ["--conditions=@parley/source", join(root, "scripts/config-tables.ts"), "--check"],
    { encoding: "utf8" },
  );
  expect(run.stderr + run.stdout).toBe("");
  expect(run.status).toBe(0);
});
