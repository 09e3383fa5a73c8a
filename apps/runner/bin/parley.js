#!/usr/bin/env node
// Plain JavaScript that any Node.js parses: check the version before importing code that needs a newer one
// (on Node 20 the runner's imports fail with unrelated-looking SyntaxErrors).
const found = process.versions.node;
if (Number(found.split(".")[0]) < 22) {
  process.stderr.write(`Parley needs Node.js 22 or newer (found ${found}).\n`);
  process.exit(2);
}
// As the CLI does first thing: here too, so that in a clone the CLI's own TypeScript entry is served from the cache.
const { default: module } = await import("node:module");
module.enableCompileCache?.();
try {
  await import("@parley/runner/cli");
} catch (error) {
  // In a clone, `pnpm parley` inside apps/runner picks this package's bin, whose dist/ exists only after a build.
  const { fileURLToPath } = await import("node:url");
  const built = fileURLToPath(new URL("../dist/cli.js", import.meta.url));
  const missing = error?.code === "ERR_MODULE_NOT_FOUND" && String(error.message).includes(built);
  if (!missing) throw error;
  process.stderr.write(
    `Parley's runner is not built (${built} is missing). In a clone of the repository, run parley from` +
      " its root (npx -y pnpm@12 parley ...), or build it first (npx -y pnpm@12 build, at the root).\n",
  );
  process.exit(2);
}
