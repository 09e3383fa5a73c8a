import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Ajv2020 } from "ajv/dist/2020.js";
import { expect, test } from "vitest";
import { parse } from "yaml";

const root = fileURLToPath(new URL("../..", import.meta.url));
const schema = JSON.parse(readFileSync(`${root}/parley.schema.json`, "utf8")) as Record<string, unknown>;
const ajv = new Ajv2020({ strict: false, allErrors: true });
const validate = ajv.compile(schema);

test("the example config validates against the published JSON Schema", () => {
  const example = parse(readFileSync(`${root}/parley.example.yaml`, "utf8")) as unknown;
  expect(validate(example), JSON.stringify(validate.errors)).toBe(true);
});

test("the JSON Schema refuses what the runner refuses: unknown keys, a wrong type, a missing required field", () => {
  const good = {
    sources: {
      bot: {
        type: "ultimate",
        organizationId: "77m57af6811115b53172431s",
        botIds: ["98174e8d635471c383b9ec7b"],
        token: "t",
        startDate: "2024-01-01",
      },
    },
  };
  expect(validate(good), JSON.stringify(validate.errors)).toBe(true);
  expect(validate({ ...good, extra: 1 })).toBe(false);
  expect(validate({ sources: { bot: { type: "ultimate", botIds: "x", startDate: 5 } } })).toBe(false);
  expect(validate({ sink: { type: "duckdb", memoryLimit: "lots" }, sources: good.sources })).toBe(false);
  expect(validate({ sink: { type: "oracle" }, sources: good.sources })).toBe(false);
});
