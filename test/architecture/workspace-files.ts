import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";

/** The TypeScript files below `directory` (none if it does not exist), skipping installed and built files. */
export function typescriptFiles(directory: string): string[] {
  if (!existsSync(directory)) return [];
  const out: string[] = [];
  const walk = (path: string): void => {
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      if (entry.name === "node_modules" || entry.name === "dist") continue;
      const full = join(path, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith(".ts")) out.push(full);
    }
  };
  walk(directory);
  return out;
}
