import { describeSinkConformance, describeSinkLockConformance } from "@parley/core/testing";
import { afterAll, beforeAll } from "vitest";
import { type BigqueryTestHarness, startBigqueryHarness } from "./__fixtures__/bigquery-test-harness.ts";

let harness: BigqueryTestHarness;
beforeAll(async () => {
  harness = await startBigqueryHarness();
});
afterAll(() => harness.close());

describeSinkConformance("bigquery (REST emulator)", { fresh: () => harness.fresh() });
describeSinkLockConformance("bigquery (REST emulator)", { fresh: () => harness.fresh() });
