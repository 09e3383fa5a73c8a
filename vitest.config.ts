import { defineConfig } from "vitest/config";

// One run over every package; each package's own vitest.config.ts names its project.
// CI sets PARLEY_TEST_REPORT to also write a JSON report, from which it prints the pass/fail line.
const report = process.env.PARLEY_TEST_REPORT;

export default defineConfig({
  test: {
    projects: ["packages/*", "apps/*", "test"],
    // PostgreSQL for the tests that need it: PARLEY_TEST_POSTGRES_URL, or a server started for this run.
    globalSetup: ["./test/support/postgres-server.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    reporters: report === undefined || report === "" ? ["default"] : ["default", ["json", { outputFile: report }]],
  },
});
