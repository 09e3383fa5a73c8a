import { parleyProject } from "../../vitest.shared.ts";

// Vitest hands ssr.resolve.conditions to Node as --conditions, which also steer require(). The shared
// list holds "import", so pg's CommonJS require("pg-pool") would get pg-pool's ES module and fail.
const conditions = ["@parley/source", "node", "default"];
const project = parleyProject("sink-postgres");

export default {
  ...project,
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ["@parley/source"] } },
};
