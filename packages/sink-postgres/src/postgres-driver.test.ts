import { testDriverStaging } from "@parley/core/testing";
import { dropSchema, freshSchemaName, testServer } from "./__fixtures__/postgres-schemas.ts";
import { postgresConfigSchema } from "./postgres-config.ts";
import { createPostgresDriver } from "./postgres-driver.ts";

testDriverStaging("postgres", async () => {
  const schema = freshSchemaName();
  return {
    driver: createPostgresDriver(postgresConfigSchema.parse({ ...testServer, schema })),
    cleanup: () => dropSchema(schema),
  };
});
