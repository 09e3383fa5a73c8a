import { type BudgetWindow, bodyChunks, createHttpClient, type HttpClient, Secret, WaitRelay } from "@parley/core";
import type { VoicegainConfig } from "./voicegain-config.ts";
import { type PageEntry, readCsvBody, readJsonBody } from "./voicegain-page.ts";
import { type RawCalls, readRawJsonBody } from "./voicegain-raw-page.ts";

/** What one request of `GET /sa/call` asks for, beyond the configured format and filters. */
export interface CallQuery {
  readonly page: number;
  readonly consecutive?: boolean;
  readonly afterCallId?: number;
  /** RFC 3339 UTC. */
  readonly fromTime?: string | undefined;
  readonly toTime?: string | undefined;
  /**
   * The page's calls as raw records (`raw`), for a sink's bulk path: a JSON page's as the bytes they arrived in, a CSV
   * page's as the JSON calls its records stand for.
   */
  readonly rawRecords?: boolean;
  /**
   * Window mode (CSV pages): a page must name each call's phase; with `rawRecords` the calls still being processed
   * are left out here, counting them.
   */
  readonly onlyFinished?: boolean;
}

export interface CallPage {
  /** The page's calls mapped (empty when they came as `raw`). */
  readonly entries: PageEntry[];
  /** The page's calls as raw records, when asked for (`CallQuery.rawRecords`). */
  readonly raw: RawCalls[];
  /** How many calls the page holds. */
  readonly calls: number;
  /** Calls left out because they are still being processed (`CallQuery.onlyFinished`). */
  readonly unfinished?: number;
  /** `X-Total-Count`: calls matching the query (in consecutive mode, up to the first call still processing). */
  readonly total: number | undefined;
  /** Whether the `Link` header names a next page; undefined without a Link header. */
  readonly hasNext: boolean | undefined;
  readonly bytes: number;
}

/**
 * Sliding windows a little longer than the vendor's fixed ones: a request sent just inside a window can arrive
 * just after it (vendor-apis §2.7 counts fixed 1-minute and 1-hour windows).
 */
export function budgetWindows(rateLimit: VoicegainConfig["rateLimit"]): BudgetWindow[] {
  if (rateLimit === false) return [];
  return [
    { requests: rateLimit.requestsPerMinute, windowMs: 61_000 },
    { requests: rateLimit.requestsPerHour, windowMs: 3_601_000 },
  ];
}

export class VoicegainClient {
  readonly #config: VoicegainConfig;
  readonly #http: HttpClient;
  /** Where waits (pacing, 429 Retry-After, backoff) go; the source points it at the run's progress. */
  readonly waits = new WaitRelay();
  /** Carried from page to page: CSV times in the repeated DST hour are ordered by the previous call's start. */
  readonly csvTimeHint: { lastStart: number | undefined } = { lastStart: undefined };

  constructor(config: VoicegainConfig) {
    this.#config = config;
    // Users sometimes paste the header value; send exactly one `Bearer ` either way.
    const jwt = config.token.reveal().replace(/^Bearer\s+/i, "");
    this.#http = createHttpClient({
      baseUrl: config.baseUrl,
      headers: { authorization: new Secret(`Bearer ${jwt}`) },
      budget: budgetWindows(config.rateLimit),
      credentialName: "the `token` setting (the Voicegain JWT, sent in the authorization header)",
      onWait: this.waits.listener,
    });
  }

  #query(query: CallQuery, perPage: number): Record<string, string | number | boolean | readonly string[] | undefined> {
    const config = this.#config;
    // Never sort_by/sort_dir: with consecutive=true the API answers 400 (seed 002).
    return {
      format: config.format,
      consecutive: query.consecutive === true ? true : undefined,
      afterCallId: query.afterCallId,
      fromTime: query.fromTime,
      toTime: query.toTime,
      agentId: config.agentIds,
      queueId: config.queueIds,
      aivrAppId: config.aivrAppIds,
      page: query.page,
      per_page: perPage,
    };
  }

  /**
   * Reads one page. The body is parsed inside the HTTP client's retries, so a body cut off mid-way (a reset, or a
   * CSV row that breaks off) sends the whole request again, and a page is only handed on whole.
   */
  async page(query: CallQuery, signal: AbortSignal, perPage = this.#config.perPage): Promise<CallPage> {
    const format = this.#config.format;
    const hintBefore = this.csvTimeHint.lastStart;
    const request = {
      path: "/sa/call",
      query: this.#query(query, perPage),
      headers: { accept: format === "csv" ? "text/csv" : "application/json" },
      signal,
    };
    return this.#http.read(request, async (response) => {
      this.csvTimeHint.lastStart = hintBefore;
      const parsed =
        format === "csv"
          ? await readCsvBody(response.body, this.#config.timeZone ?? "UTC", this.csvTimeHint, {
              raw: query.rawRecords === true,
              onlyFinished: query.onlyFinished === true,
            })
          : query.rawRecords === true
            ? // Read ahead of the splitter (the connection does not wait while a bulk batch is prepared), in batches
              // of the chunks received: a page's calls go out as a few parts, not one per chunk.
              await readRawJsonBody(bodyChunks(response.body))
            : await readJsonBody(response.body);
      const total = Number(response.headers["x-total-count"]);
      const link = response.headers.link;
      return {
        ...parsed,
        total: Number.isSafeInteger(total) && total >= 0 ? total : undefined,
        hasNext: link === undefined ? undefined : /rel="?next"?/.test(link),
      };
    });
  }

  /** One small request: proves the URL and the token (401 becomes an AuthError naming the `token` setting). */
  async check(signal: AbortSignal): Promise<void> {
    const response = await this.#http.request({
      path: "/sa/call",
      query: { format: "json", page: 1, per_page: 1 },
      signal,
    });
    await response.body.dump();
  }

  close(): Promise<void> {
    return this.#http.close();
  }
}

/**
 * Runs page requests on a signal of its own, so a page fetched ahead is cancelled (and its failure ignored) when the
 * reader stops early; a page that is awaited still reports its failure.
 */
export class PageFetcher {
  readonly #client: VoicegainClient;
  readonly #controller = new AbortController();
  readonly #unlink: () => void;

  constructor(client: VoicegainClient, signal: AbortSignal) {
    this.#client = client;
    const abort = (): void => this.#controller.abort(signal.reason);
    signal.addEventListener("abort", abort, { once: true });
    this.#unlink = () => signal.removeEventListener("abort", abort);
    if (signal.aborted) abort();
  }

  start(query: CallQuery): Promise<CallPage> {
    const page = this.#client.page(query, this.#controller.signal);
    page.catch(() => undefined);
    return page;
  }

  stop(): void {
    this.#unlink();
    this.#controller.abort();
  }
}
