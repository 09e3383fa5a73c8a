import { defineProject, type UserWorkspaceConfig } from "vitest/config";

// Workspace packages are resolved to their TypeScript sources (the `@parley/source` export condition),
// so tests never need a build step. Vite applies its own conditions to inlined modules; Node applies
// `externalConditions` to anything it loads directly.
const conditions = ["@parley/source", "import", "module", "node", "default"];

export function parleyProject(name: string, test: UserWorkspaceConfig["test"] = {}): UserWorkspaceConfig {
  return defineProject({
    resolve: { conditions },
    ssr: { resolve: { conditions, externalConditions: ["@parley/source"] } },
    test: { name, ...test },
  });
}
