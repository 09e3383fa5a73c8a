import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";
import { typescriptFiles } from "./workspace-files.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));

/** Every workspace folder with a package.json: the packages, the runner, the root bench and this test folder. */
function workspaceFolders(): string[] {
  const nested = ["packages", "apps"].flatMap((folder) =>
    readdirSync(join(root, folder)).map((name) => `${folder}/${name}`),
  );
  return [...nested, "bench", "test"].filter((path) => existsSync(join(root, path, "package.json")));
}

function relativeImports(file: string): string[] {
  const text = readFileSync(file, "utf8");
  return [...text.matchAll(/(?:from|import)\s*\(?\s*["'](\.{1,2}\/[^"']+)["']/g)].map((match) => match[1] as string);
}

describe("package boundaries (ARCHITECTURE.md)", () => {
  test("no file reaches into another package by a relative path: packages import each other by name", () => {
    const folders = workspaceFolders();
    const violations: string[] = [];
    for (const folder of folders) {
      const base = join(root, folder);
      for (const file of typescriptFiles(base)) {
        for (const specifier of relativeImports(file)) {
          const target = resolve(dirname(file), specifier);
          const owner = folders.find((other) => target.startsWith(`${join(root, other)}/`));
          if (owner !== undefined && owner !== folder) violations.push(`${relative(root, file)} imports ${specifier}`);
        }
      }
    }
    expect(violations).toEqual([]);
  });
});

/** ARCHITECTURE.md's checklists as file sets: every plugin is laid out alike ("know one, know all"). */
const checklists = {
  connector: (id: string) => [
    `src/${id}-source.ts`,
    `src/${id}-config.ts`,
    `src/${id}-client.ts`,
    `src/${id}-streams.ts`,
    `src/${id}-records.ts`,
    `src/${id}-source.conformance.test.ts`,
    "src/index.ts",
    "README.md",
    `../sandbox/src/${id}`,
    `../../sql/${id}`,
  ],
  sink: (id: string) => [
    `src/${id}-sink.ts`,
    `src/${id}-config.ts`,
    `src/${id}-types.ts`,
    `src/${id}-driver.ts`,
    `src/${id}-driver.test.ts`,
    `src/${id}-sink.conformance.test.ts`,
    "src/index.ts",
    "README.md",
  ],
};

describe("checklists (ARCHITECTURE.md)", () => {
  const plugins = readdirSync(join(root, "packages"))
    .map((name) => /^(connector|sink)-(.+)$/.exec(name))
    .filter((match) => match !== null)
    .map((match) => ({ kind: match[1] as keyof typeof checklists, id: match[2] as string }));

  test.each(plugins)("$kind $id has its checklist's files", ({ kind, id }) => {
    const folder = join(root, "packages", `${kind}-${id}`);
    const missing = checklists[kind](id).filter((path) => !existsSync(join(folder, path)));
    expect(missing).toEqual([]);
  });

  test.each(plugins)("$kind $id is registered in the runner and its index exports its factory", ({ kind, id }) => {
    // The runner finds plugins by package name; the published ones are listed by type in its registry.
    const registry = readFileSync(join(root, "apps/runner/src/registry.ts"), "utf8");
    expect(registry).toContain(`"${id}"`);
    const index = readFileSync(join(root, "packages", `${kind}-${id}`, "src/index.ts"), "utf8");
    const factory = `${id.replace(/-(\w)/g, (_match, letter: string) => letter.toUpperCase())}${kind === "sink" ? "Sink" : "Source"}Factory`;
    expect(index).toContain(factory);
    expect(statSync(join(root, "packages", `${kind}-${id}`, "package.json")).isFile()).toBe(true);
  });
});

describe("declared dependencies", () => {
  test("every package a published file imports is declared (dependencies or peerDependencies)", () => {
    const missing: string[] = [];
    const published = ["packages", "apps"].flatMap((folder) =>
      readdirSync(join(root, folder)).map((name) => `${folder}/${name}`),
    );
    for (const folder of published) {
      const manifest = JSON.parse(readFileSync(join(root, folder, "package.json"), "utf8")) as {
        dependencies?: Record<string, string>;
        peerDependencies?: Record<string, string>;
      };
      const declared = new Set([
        ...Object.keys(manifest.dependencies ?? {}),
        ...Object.keys(manifest.peerDependencies ?? {}),
      ]);
      for (const file of typescriptFiles(join(root, folder, "src"))) {
        if (/\.test\.ts$|\/__fixtures__\//.test(file)) continue;
        const text = readFileSync(file, "utf8");
        for (const match of text.matchAll(/^(?:import|export)\s[^;]*?from\s+["']([^."'][^"']*)["']/gm)) {
          const specifier = match[1] as string;
          if (specifier.startsWith("node:") || /^import type|^export type/.test(match[0])) continue;
          const name = specifier.startsWith("@")
            ? specifier.split("/").slice(0, 2).join("/")
            : (specifier.split("/")[0] as string);
          if (!declared.has(name)) missing.push(`${relative(root, file)} imports ${name}`);
        }
      }
    }
    expect(missing).toEqual([]);
  });
});
