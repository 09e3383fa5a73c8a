import { dirname, isAbsolute, resolve } from "node:path";
import type { z } from "zod";

/** A settings key whose schema is marked `.meta({ format: "path" })`: a file or folder on this machine. */
function isPathSetting(schema: z.ZodType, key: string): boolean {
  return shapeOf(schema)?.[key]?.meta()?.format === "path";
}

/** The settings' keys, also of a schema that transforms them after parsing (a pipe: Ultimate's settings). */
function shapeOf(schema: z.ZodType): Record<string, z.ZodType> | undefined {
  const { shape, in: input } = schema as { shape?: Record<string, z.ZodType>; in?: z.ZodType };
  return shape ?? (input === undefined ? undefined : shapeOf(input));
}

/**
 * Resolves a plugin's relative file paths against the folder of the config file that names them (as dbt
 * profiles and docker-compose do), so a config means the same files whatever folder `parley` runs from.
 */
export function resolveRelativePaths(
  schema: z.ZodType,
  settings: Record<string, unknown>,
  configPath: string,
): Record<string, unknown> {
  const base = dirname(resolve(configPath));
  const resolved = (value: unknown) =>
    typeof value === "string" && value !== ":memory:" && !isAbsolute(value) ? resolve(base, value) : value;
  return Object.fromEntries(
    Object.entries(settings).map(([key, value]) => [
      key,
      // A list of paths (Ultimate's `files`) is resolved item by item.
      isPathSetting(schema, key) ? (Array.isArray(value) ? value.map(resolved) : resolved(value)) : value,
    ]),
  );
}
