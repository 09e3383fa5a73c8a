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
 * Everything a run needs for its PII policy: the policy checked against the source's streams, the refusal of a
 * change to data already loaded (unless `fullRefresh`), the source whose messages leave it scrubbed, and the
 * metadata `_parley_loads` records for the load.
 */
export async function preparePii(
  settings: PiiSettings,
  source: Source,
  sink: Sink,
  sourceName: string,
  fullRefresh: boolean,
): Promise<{ readonly source: Source; readonly metadata: { readonly pii: JsonValue } }> {
  const metadata = piiLoadMetadata(settings.policy, fullRefresh);
  const scrubber = compilePiiPolicy(settings.policy ?? { columns: {} }, source.streams, settings.configPath);
  await assertPolicyUnchanged(sink, sourceName, metadata, settings.configPath);
  return {
    source: Object.keys(metadata.rules).length === 0 ? source : withPiiPolicy(source, scrubber),
    metadata: { pii: { ...metadata, rules: { ...metadata.rules } } },
  };
}
