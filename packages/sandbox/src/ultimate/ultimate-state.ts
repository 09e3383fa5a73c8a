import type { FaultQueue } from "./ultimate-faults.ts";
import type { UltimateGenerator } from "./ultimate-generator.ts";
import type { UltimateApiVersion } from "./ultimate-options.ts";
import type { UrlSigner } from "./ultimate-signing.ts";
import type { StoredObjects } from "./ultimate-stored-objects.ts";

export interface UltimateSettings {
  readonly organizationId: string;
  readonly apiKey: string;
  readonly refuseBearer: boolean;
  readonly v3EarliestDay: number;
  readonly v2WindowDays: number;
  readonly defaultTtlMinutes: number;
  readonly maxTtlMinutes: number;
  readonly buckets: Readonly<Record<UltimateApiVersion, string>>;
  readonly contentLength: boolean;
}

/** What the route handlers share: settings, data, the clock and the switchable faults. */
export interface UltimateState {
  readonly settings: UltimateSettings;
  readonly generator: UltimateGenerator;
  readonly signer: UrlSigner;
  readonly faults: FaultQueue;
  now(): Date;
  /** Byte lengths already worked out, keyed by object path and how many records it held. */
  readonly lengths: Map<string, number>;
  /** With `storedObjects`: the objects served from their stored bytes. */
  readonly stored: StoredObjects | undefined;
}
