import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describeSinkConformance } from "@parley/core/testing";
import { createDuckdbSink } from "./duckdb-sink.ts";

describeSinkConformance("duckdb (database file)", {
  async fresh() {
    const directory = await mkdtemp(join(tmpdir(), "parley-duckdb-conformance-"));
    return {
      open: () => createDuckdbSink({ path: join(directory, "test.duckdb") }),
      cleanup: () => rm(directory, { recursive: true, force: true }),
    };
  },
});
