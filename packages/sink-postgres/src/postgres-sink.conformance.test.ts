import { describeSinkConformance } from "@parley/core/testing";
import { dropSchema, freshSchemaName, testServer } from "./__fixtures__/postgres-schemas.ts";
import { createPostgresSink } from "./postgres-sink.ts";

describeSinkConformance("postgres (schema per destination)", {
  async fresh() {
    const schema = freshSchemaName();
    return { open: () => createPostgresSink({ ...testServer, schema }), cleanup: () => dropSchema(schema) };
  },
});
