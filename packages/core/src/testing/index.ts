export { testDriverStaging } from "./driver-staging.ts";
export { batch, epochMicros, everyTypeStream, state, target } from "./fixtures.ts";
export { describeSinkConformance, quote, type SinkHarness } from "./sink-conformance.ts";
export { describeSinkLockConformance } from "./sink-lock-conformance.ts";
export { describeSourceConformance, type SourceHarness, type SourceScenario } from "./source-conformance.ts";
