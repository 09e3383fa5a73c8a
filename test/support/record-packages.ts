import { writeFileSync } from "node:fs";
import { registerHooks } from "node:module";

/**
 * Preloaded with `--import` into a `parley` process: writes the names of the packages whose modules the process
 * loaded, one a line, to the file named by PARLEY_TEST_PACKAGES_FILE when it exits.
 */
const packages = new Set<string>();
const workspaceFolders: Record<string, string> = { "apps/runner": "@parley/runner" };

function packageOf(url: string): string | undefined {
  if (!url.startsWith("file:")) return undefined;
  const installed = /.*\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)?.[1];
  if (installed !== undefined) return installed;
  const folder = /\/((?:packages|apps)\/[^/]+)\/src\//.exec(url)?.[1];
  if (folder === undefined) return undefined;
  return workspaceFolders[folder] ?? `@parley/${folder.slice("packages/".length)}`;
}

registerHooks({
  load(url, context, nextLoad) {
    const name = packageOf(url);
    if (name !== undefined) packages.add(name);
    return nextLoad(url, context);
  },
});

process.on("exit", () => {
  const file = process.env.PARLEY_TEST_PACKAGES_FILE;
  if (file !== undefined) writeFileSync(file, [...packages].sort().join("\n"));
});
