import { describeSourceConformance } from "@parley/core/testing";
import { ultimateHarness } from "./__fixtures__/ultimate-harness.ts";

describeSourceConformance("ultimate", ultimateHarness);
