import { describeSinkConformance, describeSinkLockConformance, type SinkHarness } from "@parley/core/testing";
import { dropSchema, freshSchemaName, testServer } from "./__fixtures__/postgres-schemas.ts";
import { createPostgresSink } from "./postgres-sink.ts";

const harness: SinkHarness = {
  async fresh() {
    const schema = freshSchemaName();
    return { open: () => createPostgresSink({ ...testServer, schema }), cleanup: () => dropSchema(schema) };
  },
};

describeSinkConformance("postgres (schema per destination)", harness);
describeSinkLockConformance("postgres (schema per destination)", harness);
