import { parleyProject } from "../../vitest.shared.ts";

export default parleyProject("sink-postgres");
