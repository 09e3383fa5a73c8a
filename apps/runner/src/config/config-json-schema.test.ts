import { expect, test } from "vitest";
import { installedPlugins } from "../registry.ts";
import { configJsonSchema } from "./config-json-schema.ts";

const defaultRegistry = await installedPlugins();

// The committed schema at the repository root is what editors load; this keeps it equal to the code, and a
// change to any plugin's settings shows up as a reviewable diff of that file.
test("parley.schema.json matches every plugin's config schema", async () => {
  await expect(`${JSON.stringify(configJsonSchema(defaultRegistry), null, 2)}\n`).toMatchFileSnapshot(
    "../../../../parley.schema.json",
  );
});

test("each source and sink is selected by its type and keeps its own settings strict", () => {
  const schema = configJsonSchema(defaultRegistry) as {
    properties: {
      sink: { oneOf: { properties: Record<string, unknown>; additionalProperties?: unknown }[] };
      sources: { additionalProperties: { oneOf: { properties: Record<string, unknown> }[] } };
    };
  };
  expect(schema.properties.sink.oneOf.map((entry) => entry.properties.type)).toEqual([
    { const: "bigquery" },
    { const: "duckdb" },
    { const: "postgres" },
  ]);
  expect(schema.properties.sources.additionalProperties.oneOf.map((entry) => entry.properties.type)).toEqual([
    { const: "ccai" },
    { const: "ultimate" },
    { const: "voicegain" },
  ]);
  for (const entry of schema.properties.sources.additionalProperties.oneOf) {
    expect(Object.keys(entry.properties)).toEqual(expect.arrayContaining(["type", "tablePrefix", "enabled", "pii"]));
  }
});
