import type { z } from "zod";
import { ConfigError, type ConfigIssue } from "../errors/config-error.ts";
import { redact } from "./redactor.ts";

/** The result of checking a config: either the typed config, or every problem found. */
export type ParsedConfig<T> =
  | { readonly ok: true; readonly config: T }
  | { readonly ok: false; readonly issues: readonly ConfigIssue[] };

const plainKey = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Formats a zod issue path as `a.b[0].c`, the form users see in YAML and in docs; a key that is not a plain name
 * (spaces, dots, quotes: a hostile source name) is shown quoted, `sources["a b"]`, so the path stays unambiguous.
 */
export function formatPath(path: readonly PropertyKey[], prefix = ""): string {
  let out = prefix;
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else if (!plainKey.test(String(key))) out += `[${JSON.stringify(String(key))}]`;
    else out += out === "" ? String(key) : `.${String(key)}`;
  }
  return out;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === "unrecognized_keys") {
    return `unknown field${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((key) => `"${key}"`).join(", ")} (check the spelling against the docs)`;
  }
  // A record key that fails its own schema: zod's own message ("Invalid key in record") hides the schema's.
  if (issue.code === "invalid_key") return redact(issue.issues.map((inner) => inner.message).join("; "));
  return redact(issue.message);
}

/**
 * Parses `input` with `schema` and turns zod's issues into `path: message` pairs rooted at
 * `pathPrefix` (e.g. `sources.ultimate`), so an error points at the exact field in the user's file.
 */
export function parseConfig<S extends z.ZodType>(
  schema: S,
  input: unknown,
  pathPrefix = "",
): ParsedConfig<z.output<S>> {
  const result = schema.safeParse(input);
  if (result.success) return { ok: true, config: result.data };
  const issues = result.error.issues.map((issue) => ({
    path: formatPath(issue.path, pathPrefix),
    message: describeIssue(issue),
  }));
  return { ok: false, issues };
}

/** Like `parseConfig`, but throws a `ConfigError` listing every issue. */
export function parseConfigOrThrow<S extends z.ZodType>(
  schema: S,
  input: unknown,
  options: { pathPrefix?: string; subject?: string } = {},
): z.output<S> {
  const parsed = parseConfig(schema, input, options.pathPrefix ?? "");
  if (parsed.ok) return parsed.config;
  throw new ConfigError(parsed.issues, options.subject === undefined ? {} : { subject: options.subject });
}
