import type { ConfigIssue, StreamDefinition } from "@parley/core";
import { type PiiPolicy, parseRulePath } from "./pii-config.ts";

const textTypes = new Set(["string", "json"]);

/**
 * What is wrong with a policy for these streams, each issue at its config path: a column no stream has, a path
 * into a column that is not json, hash or redact on a column that does not hold text (the stored type would
 * change), drop on a column that cannot be NULL.
 */
export function piiPolicyIssues(
  policy: PiiPolicy,
  streams: readonly StreamDefinition[],
  configPath: string,
): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const [key, action] of Object.entries(policy.columns)) {
    const { column, path } = parseRulePath(key);
    const where = `${configPath}.columns.${key}`;
    const definitions = streams.flatMap((stream) => stream.columns.filter((candidate) => candidate.name === column));
    if (definitions.length === 0) {
      const names = streams.map((stream) => stream.name).join(", ");
      issues.push({ path: where, message: `no column "${column}" in the streams of this source (${names})` });
      continue;
    }
    for (const definition of definitions) {
      if (path.length > 0 && definition.type !== "json")
        issues.push({ path: where, message: `a path needs a json column; "${column}" is ${definition.type}` });
      else if ((action === "hash" || action === "redact") && !textTypes.has(definition.type))
        issues.push({ path: where, message: `${action} keeps text; "${column}" is ${definition.type}` });
      else if (action === "drop" && path.length === 0 && definition.nullable === false)
        issues.push({ path: where, message: `"${column}" cannot be NULL (it is part of the key); hash it instead` });
    }
  }
  return issues;
}
