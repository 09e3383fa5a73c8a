import { z } from "zod";
import type { Registry } from "../registry.ts";
import { runnerConfigSchema } from "./runner-config.ts";

type JsonSchema = Record<string, unknown> & { properties?: Record<string, unknown>; required?: string[] };

function toJsonSchema(schema: z.ZodType): JsonSchema {
  // Input side: what users write (a secret is a string there, a `Secret` only after parsing).
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as JsonSchema;
  return rest;
}

/** One plugin's settings, plus the `type` that selects it and the runner's own keys for that entry. */
function tagged(type: string, schema: z.ZodType, runnerKeys: Record<string, unknown>): JsonSchema {
  const plugin = toJsonSchema(schema);
  return {
    ...plugin,
    properties: { type: { const: type }, ...runnerKeys, ...plugin.properties },
    required: ["type", ...(plugin.required ?? [])],
  };
}

/**
 * The JSON Schema of a whole `parley.yaml` for the given plugins: editors use it for completion and checks
 * (`# yaml-language-server: $schema=...`). The runner still validates with zod, which says more.
 */
export function configJsonSchema(registry: Registry): Record<string, unknown> {
  const runner = toJsonSchema(runnerConfigSchema);
  const sourceEntry = toJsonSchema(runnerConfigSchema.shape.sources.valueType);
  const runnerSourceKeys = Object.fromEntries(
    Object.entries(sourceEntry.properties ?? {}).filter(([key]) => key !== "type"),
  );
  const sorted = <T>(entries: Record<string, T>) => Object.entries(entries).sort(([a], [b]) => a.localeCompare(b));
  return {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    title: "Parley configuration (parley.yaml)",
    type: "object",
    additionalProperties: false,
    properties: {
      sink: { oneOf: sorted(registry.sinks).map(([type, factory]) => tagged(type, factory.configSchema, {})) },
      sources: {
        type: "object",
        minProperties: 1,
        propertyNames: { pattern: "^[A-Za-z_][A-Za-z0-9_]*$" },
        additionalProperties: {
          oneOf: sorted(registry.sources).map(([type, factory]) =>
            tagged(type, factory.configSchema, runnerSourceKeys),
          ),
        },
      },
      sync: runner.properties?.sync,
    },
    required: ["sources"],
  };
}
