import { defineProject } from "vitest/config";

export default defineProject({ resolve: { conditions: ["@parley/source"] }, test: { name: "e2e", testTimeout: 60_000 } });
