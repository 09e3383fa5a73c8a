import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describeSinkConformance, describeSinkLockConformance, type SinkHarness } from "@parley/core/testing";
import { createDuckdbSink } from "./duckdb-sink.ts";

const harness: SinkHarness = {
  async fresh() {
    const directory = await mkdtemp(join(tmpdir(), "parley-duckdb-conformance-"));
    return {
      open: () => createDuckdbSink({ path: join(directory, "test.duckdb") }),
      cleanup: () => rm(directory, { recursive: true, force: true }),
    };
  },
};

describeSinkConformance("duckdb (database file)", harness);
describeSinkLockConformance("duckdb (database file)", harness);
