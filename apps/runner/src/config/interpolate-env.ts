import type { ConfigIssue } from "@parley/core";
import { formatPath } from "@parley/core";

const reference = /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/**
 * Replaces `${NAME}` (and `${NAME:-default}`) in every string of a parsed config with the environment's
 * value, so secrets live in the environment, not in the file. `$$` is a literal `$`. A missing variable
 * is an issue at the field's path, never a silent empty string.
 */
export function interpolateEnv(
  value: unknown,
  environment: NodeJS.ProcessEnv,
  issues: ConfigIssue[],
  path: (string | number)[] = [],
): unknown {
  if (typeof value === "string") {
    return value.replace(reference, (match, name: string | undefined, fallback: string | undefined) => {
      if (match === "$$") return "$";
      const found = environment[name as string];
      if (found !== undefined && found !== "") return found;
      if (fallback !== undefined) return fallback;
      issues.push({
        path: formatPath(path),
        message: `environment variable ${name} is not set (export it, or write \${${name}:-default})`,
      });
      return "";
    });
  }
  if (Array.isArray(value))
    return value.map((item, index) => interpolateEnv(item, environment, issues, [...path, index]));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, interpolateEnv(item, environment, issues, [...path, key])]),
    );
  }
  return value;
}
