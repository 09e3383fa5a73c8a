import { createHash, createHmac } from "node:crypto";
import { ConfigError, type ConfigIssue, type LoadRecord, type Sink } from "@parley/core";
import type { PiiAction, PiiPolicy } from "./pii-config.ts";

/** What `_parley_loads.metadata.pii` records about the policy a load applied. The key itself is never recorded. */
export interface PiiLoadMetadata {
  /** Changes whenever a rule or the hash key changes. */
  readonly version: string;
  /** Every rule other than keep, by rule key. */
  readonly rules: Readonly<Record<string, Exclude<PiiAction, "keep">>>;
  /** An HMAC of a fixed text under the hash key: tells a changed key apart without revealing it. */
  readonly hashKeyId: string | null;
  /** A full refresh replaces the tables, so a failed one leaves the previous policy's rows in place. */
  readonly fullRefresh: boolean;
}

export function piiLoadMetadata(policy: PiiPolicy | undefined, fullRefresh: boolean): PiiLoadMetadata {
  const rules = Object.fromEntries(
    Object.entries(policy?.columns ?? {})
      .filter((entry): entry is [string, Exclude<PiiAction, "keep">] => entry[1] !== "keep")
      .sort(([left], [right]) => (left < right ? -1 : 1)),
  );
  const key = policy?.hashKey;
  const hashKeyId =
    key === undefined
      ? null
      : createHmac("sha256", key.reveal()).update("parley pii key id").digest("hex").slice(0, 16);
  const version = createHash("sha256").update(JSON.stringify({ rules, hashKeyId })).digest("hex").slice(0, 16);
  return { version, rules, hashKeyId, fullRefresh };
}

function recordedPolicy(load: LoadRecord): PiiLoadMetadata | undefined {
  const metadata = (load as { readonly metadata?: unknown }).metadata;
  if (metadata === null || typeof metadata !== "object" || !("pii" in metadata)) return undefined;
  return metadata.pii as PiiLoadMetadata;
}

/**
 * Refuses a policy that differs from the one the source's stored rows were loaded with, unless the run is a full
 * refresh (which rewrites the tables). The rows on record are those of the newest load that read records, leaving
 * out failed full refreshes (their tables were never swapped in). Loads from before policies were recorded count
 * as "keep everything".
 */
export async function assertPolicyUnchanged(
  sink: Sink,
  source: string,
  current: PiiLoadMetadata,
  configPath: string,
): Promise<void> {
  if (current.fullRefresh) return;
  const loads = await sink.listLoads(source, 50);
  const holding = loads.find(
    (load) =>
      load.streams.some((stream) => stream.records > 0) &&
      !(load.status !== "succeeded" && recordedPolicy(load)?.fullRefresh === true),
  );
  if (holding === undefined) return;
  const stored: Pick<PiiLoadMetadata, "rules" | "hashKeyId"> = recordedPolicy(holding) ?? {
    rules: {},
    hashKeyId: null,
  };
  const advice = `run \`parley sync --full-refresh --source ${source}\` to rewrite its tables with the new policy, or restore the old rule`;
  const issues: ConfigIssue[] = [];
  for (const key of [...new Set([...Object.keys(stored.rules), ...Object.keys(current.rules)])].sort()) {
    const before = stored.rules[key] ?? "keep";
    const after = current.rules[key] ?? "keep";
    if (before !== after)
      issues.push({
        path: `${configPath}.columns.${key}`,
        message: `changed from ${before} to ${after}, but the tables already hold rows loaded with ${before} (load ${holding.loadId}); ${advice}`,
      });
  }
  const hashes = Object.values(current.rules).includes("hash") && Object.values(stored.rules).includes("hash");
  if (hashes && stored.hashKeyId !== current.hashKeyId)
    issues.push({
      path: `${configPath}.hashKey`,
      message: `is not the key the stored hashes were made with (load ${holding.loadId}), so they would no longer join; ${advice}`,
    });
  if (issues.length > 0) throw new ConfigError(issues, { subject: `PII policy of source ${source}` });
}
