import { readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { installedPlugins } from "@parley/runner";
import { z } from "zod";

/**
 * Writes each plugin's settings table into its package README, between the markers
 * `<!-- settings:start -->` and `<!-- settings:end -->`, from the plugin's zod schema (descriptions, types,
 * defaults, secrets). `--check` only compares, for tests and CI.
 */
const root = resolve(import.meta.dirname, "..");
const packages: Record<string, string> = {
  ultimate: "connector-ultimate",
  voicegain: "connector-voicegain",
  ccai: "connector-ccai",
  duckdb: "sink-duckdb",
  postgres: "sink-postgres",
  bigquery: "sink-bigquery",
};

type Schema = {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  description?: string;
  default?: unknown;
  secret?: boolean;
  enum?: unknown[];
  anyOf?: Schema[];
  oneOf?: Schema[];
  items?: Schema;
  const?: unknown;
};

function typeOf(schema: Schema): string {
  if (schema.enum !== undefined) return schema.enum.map((value) => `\`${String(value)}\``).join(" \\| ");
  if (schema.const !== undefined) return `\`${String(schema.const)}\``;
  const options = schema.anyOf ?? schema.oneOf;
  if (options !== undefined) return [...new Set(options.map(typeOf))].join(" or ");
  if (schema.type === "array") return `list of ${schema.items === undefined ? "values" : typeOf(schema.items)}`;
  return Array.isArray(schema.type) ? schema.type.join(" or ") : (schema.type ?? "any");
}

function rows(schema: Schema, prefix = ""): string[] {
  const required = new Set(schema.required ?? []);
  return Object.entries(schema.properties ?? {}).flatMap(([name, property]) => {
    const path = `${prefix}${name}`;
    const nested = property.type === "object" && property.properties !== undefined ? rows(property, `${path}.`) : [];
    const defaultText =
      property.default === undefined
        ? required.has(name)
          ? "required"
          : ""
        : `\`${JSON.stringify(property.default)}\``;
    const description = (property.description ?? "").replaceAll("|", "\\|").replaceAll("\n", " ");
    const row = `| \`${path}\` | ${typeOf(property)}${property.secret === true ? " (secret)" : ""} | ${defaultText} | ${description} |`;
    return [row, ...nested];
  });
}

export function settingsTable(schema: z.ZodType): string {
  const json = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as Schema;
  return ["| setting | type | default | meaning |", "|---|---|---|---|", ...rows(json)].join("\n");
}

async function main(): Promise<void> {
  const check = process.argv.includes("--check");
  const stale: string[] = [];
  const { sources, sinks } = await installedPlugins();
  for (const [type, factory] of [...Object.entries(sources), ...Object.entries(sinks)]) {
    const path = join(root, "packages", packages[type] as string, "README.md");
    const text = readFileSync(path, "utf8");
    const start = text.indexOf("<!-- settings:start -->");
    const end = text.indexOf("<!-- settings:end -->");
    if (start === -1 || end === -1) {
      stale.push(`${path}: no <!-- settings:start --> / <!-- settings:end --> markers`);
      continue;
    }
    const updated = `${text.slice(0, start)}<!-- settings:start -->\n<!-- Generated from the zod schema by scripts/config-tables.ts; do not edit by hand. -->\n${settingsTable(factory.configSchema)}\n${text.slice(end)}`;
    if (updated === text) continue;
    if (check) stale.push(`${path}: settings table is out of date (run: pnpm docs)`);
    else writeFileSync(path, updated);
  }
  if (stale.length > 0) {
    console.error(stale.join("\n"));
    process.exitCode = 1;
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
