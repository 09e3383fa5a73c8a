import { createHash } from "node:crypto";
import { type RunningServer, serve } from "../server/emulator-server.ts";
import { SeededRandom } from "../server/seeded-random.ts";
import { createCsvEncoder } from "./voicegain-csv.ts";
import { FaultQueue, type VoicegainFault, type VoicegainRequestRecord } from "./voicegain-faults.ts";
import { type VoicegainFiles, writeVoicegainFiles } from "./voicegain-files.ts";
import type { VoicegainGenerator } from "./voicegain-generator.ts";
import { createQueryParser } from "./voicegain-query.ts";
import { type VoicegainRateLimit, VoicegainRateLimiter, voicegainDefaultRateLimits } from "./voicegain-rate-limit.ts";
import type { VoicegainCall } from "./voicegain-records.ts";
import { createVoicegainHandler } from "./voicegain-routes.ts";
import { type VoicegainDataOptions, type VoicegainReviewChanges, VoicegainStore } from "./voicegain-store.ts";
import { ZoneClock } from "./voicegain-time.ts";

export interface VoicegainEmulatorOptions extends VoicegainDataOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  /** `/v1` for the cloud (default); `/ascalon-web-api` for Edge (vendor-apis §2.1). */
  basePath?: string;
  /** Accepted JWTs; default one unsigned JWT carrying the generated accountId and contextId. */
  tokens?: readonly string[];
  /** Also accept the token without `Bearer ` (vendor-apis §2.2: unclear in the vendor's own examples). */
  acceptRawToken?: boolean;
  /** The account's IANA time zone, for CSV times and query times without an offset (default America/Chicago). */
  timeZone?: string;
  /** First day of the `thisWeek` period: 0 Sunday (default), 1 Monday. Undocumented by the vendor. */
  weekStartsOn?: 0 | 1;
  /** Shuffle CSV columns (once, from the seed): the vendor does not promise an order. */
  shuffleCsvColumns?: boolean;
  /** Per-token fixed windows (default 75/60 s and 2000/3600 s); `false` disables limiting, e.g. for benchmarks. */
  rateLimits?: readonly VoicegainRateLimit[] | false;
  /**
   * Hours of the start-time range the server assumes when a request omits fromTime or toTime (default 720, 30
   * days; `false`: none, every call matches). Voicegain's own export script always sends both (vendor-apis §2.4).
   */
  defaultWindowHours?: number | false;
  /** Clock for rate-limit windows, `period`, the default range and recompute times (default Date.now). */
  now?: () => number;
}

export interface VoicegainEmulator extends RunningServer {
  /** `url` plus the base path, e.g. `http://127.0.0.1:41234/v1`. */
  readonly apiUrl: string;
  /** The first accepted token. */
  readonly token: string;
  readonly accountId: string;
  readonly contextId: string;
  readonly generator: VoicegainGenerator;
  /** The calls as the API would return them now, ascending callId. */
  calls(): VoicegainCall[];
  call(callId: string | number): VoicegainCall | undefined;
  /** New calls arrive (still processing unless `inFlight: false`). */
  addCalls(count: number, options?: { inFlight?: boolean }): VoicegainCall[];
  /** Finishes the `count` oldest in-flight calls. */
  advance(count?: number): VoicegainCall[];
  completeInFlight(): VoicegainCall[];
  /** A QA review or recompute changes a DONE call after it may have been exported. */
  reviewCall(callId: string | number, changes: VoicegainReviewChanges): VoicegainCall;
  requests(): VoicegainRequestRecord[];
  clearRequests(): void;
  injectFault(fault: VoicegainFault): void;
  clearFaults(): void;
  resetRateLimits(): void;
  /** CSV header in the order responses use. */
  csvColumns(): readonly string[];
  /** Writes the current calls as calls.json, calls.ndjson and calls.csv. */
  writeFiles(directory: string): Promise<VoicegainFiles>;
}

export async function createVoicegainEmulator(options: VoicegainEmulatorOptions = {}): Promise<VoicegainEmulator> {
  const store = new VoicegainStore(options);
  const generator = store.generator;
  const now = options.now ?? Date.now;
  const defaultWindowHours = options.defaultWindowHours ?? 720;
  const clock = new ZoneClock(options.timeZone ?? "America/Chicago");
  const basePath = (options.basePath ?? "/v1").replace(/\/+$/, "");
  const tokens = options.tokens ?? [fakeJwt(generator.accountId, generator.contextId, options.seed ?? 1)];
  const token = tokens[0];
  if (token === undefined) throw new Error("at least one token is needed");
  const accepted = new Set(tokens);
  const shuffle = options.shuffleCsvColumns ? new SeededRandom((options.seed ?? 1) ^ 0x2545f491) : undefined;
  const csv = createCsvEncoder(clock, shuffle);
  const limits = options.rateLimits ?? voicegainDefaultRateLimits;
  const limiter = limits === false ? undefined : new VoicegainRateLimiter(limits, now);
  const faults = new FaultQueue();
  const log: VoicegainRequestRecord[] = [];

  const authenticate = (authorization: string | undefined): string | undefined => {
    if (authorization === undefined) return undefined;
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    const presented = bearer ? bearer[1] : options.acceptRawToken ? authorization.trim() : undefined;
    return presented !== undefined && accepted.has(presented) ? presented : undefined;
  };
  const handler = createVoicegainHandler({
    basePath,
    store,
    parseQuery: createQueryParser(clock),
    selectContext: () => ({
      clock,
      nowMs: now(),
      weekStartsOn: options.weekStartsOn ?? 0,
      defaultWindowMs: defaultWindowHours === false ? undefined : defaultWindowHours * 3_600_000,
    }),
    csv: () => csv,
    limiter,
    faults,
    log,
    authenticate,
  });
  const server = await serve(handler, {
    ...(options.port === undefined ? {} : { port: options.port }),
    ...(options.host === undefined ? {} : { host: options.host }),
  });
  return {
    ...server,
    apiUrl: `${server.url}${basePath}`,
    token,
    accountId: generator.accountId,
    contextId: generator.contextId,
    generator,
    calls: () => store.all().slice(),
    call: (callId) => store.get(String(callId)),
    addCalls: (count, addOptions) => store.add(count, addOptions),
    advance: (count) => store.advance(count),
    completeInFlight: () => store.completeInFlight(),
    reviewCall: (callId, changes) => store.review(String(callId), changes, now()),
    requests: () => log.slice(),
    clearRequests: () => {
      log.length = 0;
    },
    injectFault: (fault) => faults.add(fault),
    clearFaults: () => faults.clear(),
    resetRateLimits: () => limiter?.reset(),
    csvColumns: () => csv.columns,
    writeFiles: (directory) => writeVoicegainFiles(store.all().slice(), directory, csv),
  };
}

/** An unsigned-looking JWT whose payload carries the account and context, as the vendor's tokens do (§2.2). */
function fakeJwt(accountId: string, contextId: string, seed: number): string {
  const encode = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString("base64url");
  const header = encode({ alg: "HS256", typ: "JWT" });
  const payload = encode({ aud: "api.voicegain.ai", sub: accountId, accountId, contextId });
  const signature = createHash("sha256").update(`${header}.${payload}.${seed}`).digest("base64url");
  return `${header}.${payload}.${signature}`;
}
