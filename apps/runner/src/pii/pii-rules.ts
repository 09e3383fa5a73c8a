import { createHmac } from "node:crypto";
import { ConfigError, type StreamDefinition } from "@parley/core";
import { piiPolicyIssues } from "./pii-checks.ts";
import { type PiiAction, type PiiPolicy, parseRulePath } from "./pii-config.ts";
import { redactText } from "./pii-text.ts";

interface CompiledRule {
  readonly key: string;
  readonly column: string;
  readonly path: readonly string[];
  readonly action: Exclude<PiiAction, "keep">;
}

/** A policy checked against a source's streams, ready to scrub records and reject payloads. */
export interface PiiScrubber {
  /** The record with every rule of its stream applied (a new object; the input is not changed). */
  scrubRecord(stream: string, record: Readonly<Record<string, unknown>>): Record<string, unknown>;
  /** A raw payload the connector could not map: rules matched by name, then every text masked. */
  scrubRaw(raw: unknown): unknown;
}

const normalise = (name: string) => name.toLowerCase().replace(/[^a-z0-9]/g, "");

function hasher(policy: PiiPolicy): (value: string) => string {
  const key = policy.hashKey;
  return (value) => {
    if (key === undefined) throw new Error("hash rule without hashKey (the config schema refuses this)");
    return createHmac("sha256", key.reveal()).update(value, "utf8").digest("hex");
  };
}

/** Deep copy with every string redacted. */
function redactDeep(value: unknown): unknown {
  if (typeof value === "string") return redactText(value);
  if (Array.isArray(value)) return value.map(redactDeep);
  if (value !== null && typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, redactDeep(inner)]));
  return value;
}

/** A policy checked against the streams (a `ConfigError` naming each rule that does not fit), ready to scrub. */
export function compilePiiPolicy(
  policy: PiiPolicy,
  streams: readonly StreamDefinition[],
  configPath: string,
): PiiScrubber {
  const issues = piiPolicyIssues(policy, streams, configPath);
  if (issues.length > 0) throw new ConfigError(issues, { subject: "PII policy" });
  const rules: CompiledRule[] = Object.entries(policy.columns).flatMap(([key, action]) =>
    action === "keep" ? [] : [{ key, ...parseRulePath(key), action }],
  );

  const hash = hasher(policy);
  const act = (action: CompiledRule["action"], value: unknown): unknown => {
    if (value === null || value === undefined || action === "drop") return null;
    if (action === "redact") return redactDeep(value);
    return hash(typeof value === "string" ? value : JSON.stringify(value));
  };
  const applyAt = (value: unknown, path: readonly string[], action: CompiledRule["action"]): unknown => {
    const [step, ...rest] = path;
    if (step === undefined) return act(action, value);
    if (step === "[]") return Array.isArray(value) ? value.map((item) => applyAt(item, rest, action)) : value;
    if (value === null || typeof value !== "object" || Array.isArray(value) || !(step in value)) return value;
    const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) };
    if (rest.length === 0 && action === "drop") delete copy[step];
    else copy[step] = applyAt(copy[step], rest, action);
    return copy;
  };
  const byStream = new Map(
    streams.map((stream) => [
      stream.name,
      rules.filter((rule) => stream.columns.some((column) => column.name === rule.column)),
    ]),
  );
  const byName = new Map(rules.map((rule) => [normalise(rule.column + rule.path.join("")), rule]));
  const matchRaw = (value: unknown, trail: string): unknown => {
    const rule = byName.get(trail);
    if (rule !== undefined) return act(rule.action, value);
    if (Array.isArray(value)) return value.map((item) => matchRaw(item, trail));
    if (value === null || typeof value !== "object") return value;
    return Object.fromEntries(
      Object.entries(value).flatMap(([key, inner]) => {
        const scrubbed = matchRaw(inner, trail + normalise(key));
        return scrubbed === null && byName.get(trail + normalise(key))?.action === "drop" ? [] : [[key, scrubbed]];
      }),
    );
  };

  return {
    scrubRecord(stream, record) {
      const scrubbed: Record<string, unknown> = { ...record };
      for (const rule of byStream.get(stream) ?? [])
        if (rule.column in scrubbed) scrubbed[rule.column] = applyAt(scrubbed[rule.column], rule.path, rule.action);
      return scrubbed;
    },
    scrubRaw(raw) {
      if (rules.length === 0) return raw;
      if (typeof raw === "string") {
        try {
          const parsed: unknown = JSON.parse(raw);
          if (parsed !== null && typeof parsed === "object") return JSON.stringify(redactDeep(matchRaw(parsed, "")));
        } catch {
          // not JSON (a CSV line, a broken document): masked as free text
        }
        return redactText(raw);
      }
      return redactDeep(matchRaw(raw, ""));
    },
  };
}
