import { parleyProject } from "../vitest.shared.ts";

export default parleyProject("e2e", { testTimeout: 120_000 });
