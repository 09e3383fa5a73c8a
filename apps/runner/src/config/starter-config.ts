import { z } from "zod";
import type { Registry } from "../registry.ts";

interface PropertySchema {
  readonly description?: string;
  readonly default?: unknown;
  readonly type?: string;
  readonly secret?: boolean;
  readonly environmentVariable?: string;
}

const placeholder = "TODO";

function comment(text: string, indent: string): string[] {
  const words = text.split(/\s+/);
  const lines: string[] = [];
  let current = "";
  for (const word of words) {
    if (current.length + word.length > 100 - indent.length) {
      lines.push(current.trimEnd());
      current = "";
    }
    current += `${word} `;
  }
  if (current.trim() !== "") lines.push(current.trimEnd());
  return lines.map((line) => `${indent}# ${line}`);
}

function environmentName(type: string, key: string): string {
  return `${type}_${key}`.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toUpperCase();
}

function valueFor(type: string, key: string, property: PropertySchema): string {
  if (property.default !== undefined) return JSON.stringify(property.default);
  const variable = property.environmentVariable ?? environmentName(type, key);
  const value = property.secret === true ? `\${${variable}}` : placeholder;
  return property.type === "array" ? `["${value}"]` : `"${value}"`;
}

/**
 * The keys a plugin's settings cannot do without: its required keys, then whatever its validation still asks
 * for (rules across fields, like "url, or host and database"), found by validating a candidate until it stops asking.
 */
function neededKeys(schema: z.ZodType, properties: Record<string, PropertySchema>, required: readonly string[]) {
  const needed = new Set(required);
  for (let round = 0; round < 10; round += 1) {
    const candidate = Object.fromEntries(
      [...needed].map((key) => [key, properties[key]?.type === "array" ? [placeholder] : placeholder]),
    );
    const result = schema.safeParse(candidate);
    const asked = (result.success ? [] : result.error.issues)
      .map((issue) => String(issue.path[0] ?? ""))
      .filter((key) => key in properties && !needed.has(key));
    if (asked.length === 0) break;
    needed.add(asked[0] as string);
  }
  return needed;
}

/** One plugin's settings as YAML lines: needed keys filled in, every other key commented out with its default. */
function pluginLines(type: string, schema: z.ZodType, indent: string): string[] {
  const json = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as {
    properties?: Record<string, PropertySchema>;
    required?: string[];
  };
  const properties = json.properties ?? {};
  const needed = neededKeys(schema, properties, json.required ?? []);
  const lines: string[] = [];
  for (const [key, property] of Object.entries(properties)) {
    const value = valueFor(type, key, property);
    lines.push(...comment(property.description ?? "", indent));
    if (needed.has(key))
      lines.push(
        `${indent}${key}: ${value}${value.includes(placeholder) ? " # required: replace TODO" : property.secret === true ? " # required: set this environment variable" : ""}`,
      );
    else lines.push(`${indent}# ${key}: ${property.default === undefined ? "" : value}`.trimEnd());
  }
  return lines;
}

/** A commented starter `parley.yaml` for the chosen sources and sink, generated from their schemas. */
export function starterConfig(registry: Registry, sourceTypes: readonly string[], sinkType: string): string {
  const sink = registry.sinks[sinkType];
  if (sink === undefined) throw new Error(`unknown sink type ${sinkType}`);
  const lines = [
    "# Parley configuration. Every key is checked when it is read; `parley check -c FILE` also reaches each system.",
    "# ${VAR} and ${VAR:-default} read the environment: keep credentials there, never in this file.",
    "sink:",
    `  type: ${sinkType}`,
    ...pluginLines(sinkType, sink.configSchema, "  "),
    "sources:",
  ];
  for (const type of sourceTypes) {
    const source = registry.sources[type];
    if (source === undefined) throw new Error(`unknown source type ${type}`);
    lines.push(
      `  ${type}: # your name for this source: state and the load ledger are keyed by it`,
      `    type: ${type}`,
      `    # tablePrefix: ${type} # tables are <tablePrefix>_<stream>; the shipped views expect the default`,
      ...pluginLines(type, source.configSchema, "    "),
    );
  }
  lines.push(
    "sync:",
    "  batchRows: 10000 # rows per stream buffered before a write",
    "  flushIntervalSeconds: 5 # a checkpoint older than this is written even with fewer rows",
  );
  return `${lines.join("\n")}\n`;
}
