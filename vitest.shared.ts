import { defineProject, type UserWorkspaceConfig } from "vitest/config";

// Workspace packages are resolved to their TypeScript sources (the `@parley/source` export condition),
// so tests never need a build step. Vite applies its own conditions to inlined modules; Node applies
// `externalConditions` to anything it loads directly.
// Only our own condition plus "node": Vitest hands SSR conditions to Node for externalised packages, and an
// "import" condition there made CommonJS packages (pg) `require` ESM builds of their dependencies.
const conditions = ["@parley/source", "node"];

export function parleyProject(name: string, test: UserWorkspaceConfig["test"] = {}): UserWorkspaceConfig {
  return defineProject({
    resolve: { conditions },
    ssr: { resolve: { conditions, externalConditions: ["@parley/source"] } },
    test: { name, ...test },
  });
}
