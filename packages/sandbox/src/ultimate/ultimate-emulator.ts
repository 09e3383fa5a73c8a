import type { IncomingMessage, ServerResponse } from "node:http";
import { type RunningServer, readBody, sendText, serve } from "../server/emulator-server.ts";
import { SeededRandom } from "../server/seeded-random.ts";
import { handleSignedUrls } from "./ultimate-api.ts";
import type { UltimateBot } from "./ultimate-bots.ts";
import { requireDay, toDate } from "./ultimate-dates.ts";
import { type UltimateDayFileOptions, type UltimateDayFileResult, writeUltimateDayFile } from "./ultimate-day-file.ts";
import { handleDownload } from "./ultimate-downloads.ts";
import {
  FaultQueue,
  type UltimateFault,
  type UltimateFaultOptions,
  type UltimateLoggedRequest,
} from "./ultimate-faults.ts";
import { UltimateGenerator } from "./ultimate-generator.ts";
import { hexId } from "./ultimate-hashing.ts";
import type { UltimateApiVersion, UltimateEmulatorOptions } from "./ultimate-options.ts";
import type { UltimateRecord } from "./ultimate-record-shape.ts";
import { UrlSigner } from "./ultimate-signing.ts";
import type { UltimateSettings, UltimateState } from "./ultimate-state.ts";
import { StoredObjects } from "./ultimate-stored-objects.ts";

export interface UltimateEmulator extends RunningServer {
  readonly organizationId: string;
  readonly apiKey: string;
  readonly bots: readonly UltimateBot[];
  readonly generator: UltimateGenerator;
  /** Every request so far, oldest first. */
  readonly requests: readonly UltimateLoggedRequest[];
  clearRequests(): void;
  now(): Date;
  /** Freezes the clock at this moment. */
  setNow(now: Date | string): void;
  injectFault(fault: UltimateFault, options?: UltimateFaultOptions): void;
  clearFaults(): void;
  /** Every link handed out so far answers ExpiredToken from now on. */
  expireIssuedLinks(): void;
  /** The records a download of the whole day would return now (all files in order). */
  records(
    botId: string,
    date: string,
    options?: { version?: UltimateApiVersion; at?: Date },
  ): Generator<UltimateRecord>;
  writeDayFile(
    botId: string,
    date: string,
    filePath: string,
    options?: UltimateDayFileOptions,
  ): Promise<UltimateDayFileResult>;
  /** With `storedObjects`: generates a day's objects now, so that no download waits for them. */
  storeDay(botId: string, date: string, version?: UltimateApiVersion): Promise<void>;
}

const apiPathPattern = /^(?:\/ai-agents\/api)?\/data-export\/(v2|v3)\/get-signed-urls$/;

export async function createUltimateEmulator(options: UltimateEmulatorOptions = {}): Promise<UltimateEmulator> {
  const generator = new UltimateGenerator(options);
  const seed = generator.options.seed;
  const settings: UltimateSettings = {
    organizationId: options.organizationId ?? hexId(new SeededRandom(seed ^ 0x0a9a), 24),
    apiKey: options.apiKey ?? "ultimate-sandbox-key",
    refuseBearer: options.refuseBearer ?? true,
    v3EarliestDay: requireDay(options.v3EarliestDay ?? "2024-01-01"),
    v2WindowDays: options.v2WindowDays ?? 30,
    defaultTtlMinutes: options.defaultTtlMinutes ?? 1440,
    maxTtlMinutes: options.maxTtlMinutes ?? 7 * 24 * 60,
    buckets: {
      v3: options.buckets?.v3 ?? "production-eu-ultimateai-backend-data-export",
      v2: options.buckets?.v2 ?? "production-eu-ultimateai-backend-data-export-legacy",
    },
    contentLength: options.contentLength ?? false,
  };
  if (settings.buckets.v2 === settings.buckets.v3) throw new Error("the v2 and v3 buckets must differ");
  let frozenNow = options.now === undefined ? undefined : toDate(options.now);
  const requests: UltimateLoggedRequest[] = [];
  const state: UltimateState = {
    settings,
    generator,
    signer: new UrlSigner(`ultimate-sandbox-signing-${seed}`),
    faults: new FaultQueue(),
    now: () => frozenNow ?? new Date(),
    lengths: new Map(),
    stored: options.storedObjects === undefined ? undefined : new StoredObjects(options.storedObjects),
  };

  const handler = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const body = request.method === "POST" ? await readBody(request) : "";
    const path = request.url ?? "/";
    requests.push({ method: request.method ?? "", path, headers: { ...request.headers }, body, at: state.now() });
    const pathname = path.split("?")[0] ?? "";
    const apiMatch = apiPathPattern.exec(pathname);
    if (apiMatch && request.method === "POST") {
      return handleSignedUrls(state, apiMatch[1] as UltimateApiVersion, request, response, body);
    }
    if (!apiMatch && (request.method === "GET" || request.method === "HEAD") && pathname.includes("/files/")) {
      return handleDownload(state, request, response);
    }
    sendText(response, 404, "Not Found");
  };
  const server = await serve(handler, {
    ...(options.port === undefined ? {} : { port: options.port }),
    ...(options.host === undefined ? {} : { host: options.host }),
  });

  return {
    ...server,
    organizationId: settings.organizationId,
    apiKey: settings.apiKey,
    bots: generator.bots,
    generator,
    requests,
    clearRequests: () => {
      requests.length = 0;
    },
    now: state.now,
    setNow: (now) => {
      frozenNow = toDate(now);
    },
    injectFault: (fault, faultOptions) => state.faults.add(fault, faultOptions),
    clearFaults: () => state.faults.clear(),
    expireIssuedLinks: () => state.signer.retireKey(),
    records: (botId, date, recordOptions = {}) =>
      generator.records(botId, date, { version: recordOptions.version ?? "v3", at: recordOptions.at ?? state.now() }),
    writeDayFile: (botId, date, filePath, fileOptions = {}) =>
      writeUltimateDayFile(generator, botId, date, filePath, { at: state.now(), ...fileOptions }),
    storeDay: async (botId, date, version = "v3") => {
      const stored = state.stored;
      if (stored === undefined) throw new Error("storeDay needs the storedObjects option");
      const plan = generator.plan(botId, requireDay(date), state.now());
      const format = generator.options.fileFormat;
      for (let file = 0; file < plan.files; file++) await stored.get({ generator, plan, file, version, format });
    },
  };
}
