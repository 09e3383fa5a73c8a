import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";
import { typescriptFiles } from "./workspace-files.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));

/** What each kind of package may import from Parley, in shipped code and in its tests. */
const rules: { match: RegExp; shipped: RegExp[]; tests: RegExp[] }[] = [
  { match: /^packages\/core$/, shipped: [], tests: [/^@parley\/core/] },
  { match: /^packages\/connector-/, shipped: [/^@parley\/core/], tests: [/^@parley\/core/, /^@parley\/sandbox/] },
  { match: /^packages\/sink-/, shipped: [/^@parley\/core/], tests: [/^@parley\/core/, /^@parley\/sandbox/] },
  { match: /^packages\/sandbox$/, shipped: [/^@parley\/core/], tests: [/^@parley\/core/] },
  {
    match: /^apps\/runner$/,
    shipped: [/^@parley\/(core|sandbox|sink-|connector-)/],
    tests: [/^@parley\/(core|sandbox|sink-|connector-)/],
  },
];

function packages(): string[] {
  return ["packages", "apps"]
    .flatMap((folder) => readdirSync(join(root, folder)).map((name) => `${folder}/${name}`))
    .filter((path) => statSync(join(root, path)).isDirectory());
}

function sourceFiles(directory: string): string[] {
  return ["src", "bench"].flatMap((sub) => typescriptFiles(join(directory, sub)));
}

function parleyImports(file: string): string[] {
  const text = readFileSync(file, "utf8");
  return [...text.matchAll(/(?:from|import)\s*\(?\s*["'](@parley\/[^"']+)["']/g)].map((match) => match[1] as string);
}

describe("dependency rules (ARCHITECTURE.md)", () => {
  test("every package follows the rule for its kind", () => {
    const violations: string[] = [];
    for (const pkg of packages()) {
      const rule = rules.find((candidate) => candidate.match.test(pkg));
      expect(rule, `no dependency rule covers ${pkg}`).toBeDefined();
      if (rule === undefined) continue;
      for (const file of sourceFiles(join(root, pkg))) {
        const isTest = /\.test\.ts$|\/testing\/|\/bench\/|\/__fixtures__\//.test(file);
        const allowed = isTest ? rule.tests : rule.shipped;
        for (const imported of parleyImports(file)) {
          if (imported.startsWith(`@parley/${pkg.split("/")[1]}`)) continue;
          if (!allowed.some((pattern) => pattern.test(imported)))
            violations.push(`${relative(root, file)} imports ${imported}`);
        }
      }
    }
    expect(violations).toEqual([]);
  });

  test("only the runner's registry names concrete plugins", () => {
    const offenders: string[] = [];
    for (const file of sourceFiles(join(root, "apps/runner"))) {
      if (file.endsWith("registry.ts")) continue;
      if (parleyImports(file).some((imported) => /^@parley\/(sink|connector)-/.test(imported)))
        offenders.push(relative(root, file));
    }
    expect(offenders).toEqual([]);
  });

  test("nothing imports the test folder", () => {
    const offenders = packages().flatMap((pkg) =>
      sourceFiles(join(root, pkg)).filter((file) => /from\s+["'](\.\.\/)+test\//.test(readFileSync(file, "utf8"))),
    );
    expect(offenders).toEqual([]);
  });
});
