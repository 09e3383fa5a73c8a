import { z } from "zod";

/** The two generations of the export API: v3 (seed 004) and the legacy v2 (seed 003). */
export type UltimateApiVersion = "v2" | "v3";

/** NDJSON is what third-party clients read live; seed 004 says "a list of JSON objects" (vendor-apis §3.5). */
export type UltimateFileFormat = "ndjson" | "array" | "array-pretty";

export interface UltimateBotDefinition {
  /** 24 hex characters, like the ids in seed 004. */
  readonly id: string;
  readonly name: string;
  /** `YYYY-MM-DD`: the first day with an export; earlier days answer 404 (vendor-apis §3.3). */
  readonly createdOn: string;
}

export interface UltimateLateArrivals {
  /** Share of a day's conversations that only appear once the file has settled. */
  readonly share: number;
  /** Minutes after the midnight UTC that closes the day before the late records appear. */
  readonly settledAfterMinutes: number;
}

/** Record shape and file switches shared by the server and the generator. */
export interface UltimateDataOptions {
  /** Same seed, same bots, conversations and bytes. Default 1. */
  seed?: number;
  /** How many bots to generate (default 3), or the bots themselves. */
  bots?: number | readonly UltimateBotDefinition[];
  /** Conversations that ended per bot and day: a fixed number or a seeded range. Default 40 to 120. */
  conversationsPerDay?: number | { readonly min: number; readonly max: number };
  /** Files per day, the records split across them in order (vendor-apis §3.4). Default 2. */
  filesPerDay?: number;
  fileFormat?: UltimateFileFormat;
  /** Seed 004's example has an object; its table and seed 003 say a string holding JSON. Default "object". */
  conversationsData?: "object" | "string";
  /** `conversation_data` (singular) was seen live (vendor-apis §3.6). Default "conversations_data". */
  conversationsDataKey?: "conversations_data" | "conversation_data";
  /** v3 only: the seed 004 example and SQL say customer_messages_count, its table visitor_messages_count. */
  messagesCountKey?: "customer_messages_count" | "visitor_messages_count";
  /** Top-level keys in upper case, as one integration saw live (vendor-apis §3.6). Default false. */
  upperCaseKeys?: boolean;
  /** A day's file still grows after midnight (vendor-apis §3.7). Default off. */
  lateArrivals?: UltimateLateArrivals | false;
  /** Exact copies of earlier records appended to each day (vendor-apis §3.7). Default 0. */
  duplicatesPerDay?: number;
}

export interface UltimateEmulatorOptions extends UltimateDataOptions {
  port?: number;
  host?: string;
  /** Default: derived from the seed. */
  organizationId?: string;
  /** The raw key expected in `authorization`. Default "ultimate-sandbox-key". */
  apiKey?: string;
  /** A frozen clock; without it the emulator follows the real clock. */
  now?: Date | string;
  /** Refuse `Bearer <key>` with 401, as one client saw live (vendor-apis §3.2, [I]). Default true. */
  refuseBearer?: boolean;
  /** Seed 004: no data before 2024-01-01 through v3. */
  v3EarliestDay?: string;
  /** v2 only serves the last 30 days (vendor-apis §3.3, [P] U4). */
  v2WindowDays?: number;
  /** Link life when the body has no ttl: one day (seed 004). */
  defaultTtlMinutes?: number;
  /** GCS V4 signed URLs live at most 7 days, so longer ttls are cut to this ([I], vendor-apis §3.4). */
  maxTtlMinutes?: number;
  /** Bucket per API version; the v3 one is seed 004's, the v2 one is invented. */
  buckets?: { readonly v2?: string; readonly v3?: string };
  /** Send Content-Length on full downloads; costs one extra generation pass per file. Default false (chunked). */
  contentLength?: boolean;
  /**
   * A folder where each object is kept once generated and served from afterwards, as GCS serves stored bytes
   * (a benchmark's emulator then costs the shared machine little CPU). Default: every download generates its bytes.
   */
  storedObjects?: string;
}

const dataOptionsSchema = z.object({
  seed: z.number().int(),
  conversationsPerDay: z.union([
    z.number().int().min(0),
    z.object({ min: z.number().int().min(0), max: z.number().int().min(0) }).refine((range) => range.min <= range.max),
  ]),
  filesPerDay: z.number().int().min(1),
  duplicatesPerDay: z.number().int().min(0),
  lateArrivals: z.union([
    z.literal(false),
    z.object({ share: z.number().min(0).max(1), settledAfterMinutes: z.number().min(0) }),
  ]),
});

export type ResolvedDataOptions = Required<Omit<UltimateDataOptions, "bots">> & {
  readonly bots: number | readonly UltimateBotDefinition[];
};

export function resolveDataOptions(options: UltimateDataOptions): ResolvedDataOptions {
  const resolved: ResolvedDataOptions = {
    seed: options.seed ?? 1,
    bots: options.bots ?? 3,
    conversationsPerDay: options.conversationsPerDay ?? { min: 40, max: 120 },
    filesPerDay: options.filesPerDay ?? 2,
    fileFormat: options.fileFormat ?? "ndjson",
    conversationsData: options.conversationsData ?? "object",
    conversationsDataKey: options.conversationsDataKey ?? "conversations_data",
    messagesCountKey: options.messagesCountKey ?? "customer_messages_count",
    upperCaseKeys: options.upperCaseKeys ?? false,
    lateArrivals: options.lateArrivals ?? false,
    duplicatesPerDay: options.duplicatesPerDay ?? 0,
  };
  const checked = dataOptionsSchema.safeParse(resolved);
  if (!checked.success) {
    const problems = checked.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
    throw new Error(`invalid Ultimate emulator options: ${problems.join("; ")}`);
  }
  return resolved;
}
