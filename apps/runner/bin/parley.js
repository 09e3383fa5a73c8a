#!/usr/bin/env node
// Plain JavaScript that any Node.js parses: check the version before importing code that needs a newer one
// (on Node 20 the runner's imports fail with unrelated-looking SyntaxErrors).
const found = process.versions.node;
if (Number(found.split(".")[0]) < 22) {
  process.stderr.write(`Parley needs Node.js 22 or newer (found ${found}).\n`);
  process.exit(2);
}
await import("@parley/runner/cli");
