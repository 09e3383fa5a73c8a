import { dirname, isAbsolute, resolve } from "node:path";
import type { z } from "zod";

/** A settings key whose schema is marked `.meta({ format: "path" })`: a file or folder on this machine. */
function isPathSetting(schema: z.ZodType, key: string): boolean {
  const field = (schema as { shape?: Record<string, z.ZodType> }).shape?.[key];
  return field?.meta()?.format === "path";
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
  return Object.fromEntries(
    Object.entries(settings).map(([key, value]) => [
      key,
      typeof value === "string" && value !== ":memory:" && !isAbsolute(value) && isPathSetting(schema, key)
        ? resolve(base, value)
        : value,
    ]),
  );
}
