import { testDriverStaging } from "@parley/core/testing";
import { afterAll, beforeAll } from "vitest";
import { type BigqueryTestHarness, startBigqueryHarness } from "./__fixtures__/bigquery-test-harness.ts";
import { bigqueryConfigSchema } from "./bigquery-config.ts";
import { createBigqueryDriver } from "./bigquery-driver.ts";

let harness: BigqueryTestHarness;
beforeAll(async () => {
  harness = await startBigqueryHarness();
});
afterAll(() => harness.close());

testDriverStaging("bigquery", async () => {
  const { authClient, ...settings } = harness.settings();
  return {
    driver: createBigqueryDriver(bigqueryConfigSchema.parse(settings), authClient),
    cleanup: async () => undefined,
  };
});
