import type { JsonValue, Sink, Source } from "@parley/core";
import type { PiiPolicy } from "./pii-config.ts";
import { assertPolicyUnchanged, piiLoadMetadata } from "./pii-ledger.ts";
import { compilePiiPolicy } from "./pii-rules.ts";
import { withPiiPolicy } from "./pii-source.ts";

/** A source's policy as the config gives it (absent: keep everything), and where it sits in the config. */
export interface PiiSettings {
  readonly policy: PiiPolicy | undefined;
  /** `sources.<name>.pii`: errors name the field under it. */
  readonly configPath: string;
}

/**
 * Everything a run needs for its PII policy: the policy checked against the source's streams (a `ConfigError`
 * naming the field), the source whose messages leave it scrubbed, the metadata `_parley_loads` records for the
 * load, and the refusal of a policy that differs from the one the stored rows were loaded with (unless
 * `fullRefresh`), to call once the sink's tables exist.
 */
export function preparePii(
  settings: PiiSettings,
  source: Source,
  fullRefresh: boolean,
): {
  readonly source: Source;
  readonly metadata: { readonly pii: JsonValue };
  refuseChangedPolicy(sink: Sink, sourceName: string): Promise<void>;
} {
  const metadata = piiLoadMetadata(settings.policy, fullRefresh);
  const scrubber = compilePiiPolicy(settings.policy ?? { columns: {} }, source.streams, settings.configPath);
  return {
    source: Object.keys(metadata.rules).length === 0 ? source : withPiiPolicy(source, scrubber),
    metadata: { pii: { ...metadata, rules: { ...metadata.rules } } },
    refuseChangedPolicy: (sink, sourceName) => assertPolicyUnchanged(sink, sourceName, metadata, settings.configPath),
  };
}
