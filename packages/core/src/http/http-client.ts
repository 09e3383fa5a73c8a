import type { Readable } from "node:stream";
import type { Dispatcher } from "undici";
import { redact, redactUrl } from "../config/redactor.ts";
import { Secret } from "../config/secret.ts";
import { AuthError } from "../errors/auth-error.ts";
import { HttpError } from "../errors/http-error.ts";
import { ParleyError } from "../errors/parley-error.ts";
import { type BudgetWindow, RequestBudget } from "./request-budget.ts";
import {
  defaultRetryOptions,
  isRetryableStatus,
  parseRetryAfter,
  type RetryDecision,
  type RetryOptions,
  retrying,
} from "./retry.ts";
import { pause, type WaitListener } from "./waits.ts";

export type QueryValue = string | number | boolean | readonly (string | number)[] | undefined;

export interface HttpRequest {
  readonly method?: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** A path joined to the client's base URL, or an absolute URL (signed download links). */
  readonly path: string;
  /** Arrays are sent as repeated keys (`a=1&a=2`); undefined values are left out. */
  readonly query?: Readonly<Record<string, QueryValue>>;
  readonly headers?: Readonly<Record<string, string | Secret>>;
  /** Sent as JSON with `content-type: application/json`. */
  readonly json?: unknown;
  /** Statuses that are answers, not failures (e.g. 404 meaning "no export for that day"). */
  readonly acceptStatuses?: readonly number[];
  /** Leave out the client's default headers (downloading a signed URL must not send credentials). */
  readonly withoutDefaultHeaders?: boolean;
  /** Set false for requests that must not be sent twice (creating a long-running export). */
  readonly retryable?: boolean;
  readonly signal?: AbortSignal;
}

export interface HttpResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | undefined>>;
  /** The body as a stream (`bodyChunks` reads it ahead in batches); read it fully, or call `dump()`, to free the connection. */
  readonly body: AsyncIterable<Buffer> &
    Readable & { text(): Promise<string>; json(): Promise<unknown>; dump(): Promise<void> };
}

export interface HttpClientOptions {
  readonly baseUrl: string;
  /** Sent with every request unless `withoutDefaultHeaders`; `Secret` values are revealed only here. */
  readonly headers?: Readonly<Record<string, string | Secret>>;
  /** Time allowed for response headers, and between body chunks. */
  readonly timeoutMs?: number;
  readonly retry?: Partial<RetryOptions>;
  /** Proactive pacing (vendor rate limits); empty means unpaced. */
  readonly budget?: readonly BudgetWindow[];
  /** What the user calls the credential, for `AuthError` messages: e.g. "the `token` setting (authorization header)". */
  readonly credentialName?: string;
  /** Statuses that mean "credentials refused"; default 401 and 403. */
  readonly authStatuses?: readonly number[];
  /** Told about every wait (backoff or pacing), so progress output can show it (see `WaitRelay`). */
  readonly onWait?: WaitListener;
  /** For tests and proxies; defaults to a keep-alive agent owned by the client. */
  readonly dispatcher?: Dispatcher;
  readonly random?: () => number;
}

export interface HttpClient {
  /** Sends the request, retrying until a response arrives; the caller reads (or dumps) the body. */
  request(request: HttpRequest): Promise<HttpResponse>;
  /**
   * Sends the request and reads the whole body as JSON, both inside the retries: a connection dropped mid-body is
   * another attempt. `data` is undefined for an empty body and for accepted statuses outside 2xx; `bytes` is the
   * body's size, for progress.
   */
  json<T = unknown>(
    request: HttpRequest,
  ): Promise<{ status: number; headers: HttpResponse["headers"]; data: T; bytes: number }>;
  /**
   * Sends the request and hands the response to `read`, inside the retries: when reading the body fails (the
   * connection drops, or `read` finds it cut short), the request is sent again. Parley errors from `read` are final.
   */
  read<T>(request: HttpRequest, read: (response: HttpResponse) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** A failure worth another attempt: a retryable status, or a body that broke off or is not the JSON it should be. */
class RetryableFailure extends Error {
  readonly status: number | undefined;
  readonly excerpt: string | undefined;
  readonly retryAfterMs: number | undefined;

  constructor(what: string, details: { status?: number; excerpt?: string; retryAfterMs?: number; cause?: unknown }) {
    super(what, { cause: details.cause });
    this.status = details.status;
    this.excerpt = details.excerpt;
    this.retryAfterMs = details.retryAfterMs;
  }
}

function networkMessage(error: unknown): string {
  return redact(String((error as Error)?.message ?? error));
}

function buildUrl(baseUrl: string, path: string, query: HttpRequest["query"]): URL {
  const url = /^https?:\/\//i.test(path)
    ? new URL(path)
    : new URL(baseUrl.replace(/\/+$/, "") + (path.startsWith("/") ? path : `/${path}`));
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const item of value) url.searchParams.append(key, String(item));
    else url.searchParams.set(key, String(value));
  }
  return url;
}

function revealHeaders(headers: Readonly<Record<string, string | Secret>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers))
    out[name.toLowerCase()] = value instanceof Secret ? value.reveal() : value;
  return out;
}

function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(headers))
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
  return out;
}

// Imported on the first request, not with core: a process that sends none (local export files) never loads it.
let undici: Promise<typeof import("undici")> | undefined;
const loadUndici = () => {
  undici ??= import("undici");
  return undici;
};

/** The shared HTTP client every connector uses: timeouts, keep-alive, retries with backoff, pacing and redaction. */
export function createHttpClient(options: HttpClientOptions): HttpClient {
  const retry: RetryOptions = { ...defaultRetryOptions, ...options.retry };
  const timeoutMs = options.timeoutMs ?? 60_000;
  let ownedAgent: Promise<Dispatcher> | undefined;
  const dispatcher = (): Promise<Dispatcher> => {
    if (options.dispatcher !== undefined) return Promise.resolve(options.dispatcher);
    ownedAgent ??= loadUndici().then(({ Agent }) => new Agent({ keepAliveTimeout: 30_000, connections: 16 }));
    return ownedAgent;
  };
  const budget =
    options.budget !== undefined && options.budget.length > 0 ? new RequestBudget(options.budget) : undefined;
  const random = options.random ?? Math.random;
  const authStatuses = options.authStatuses ?? [401, 403];
  const credentialName = options.credentialName ?? "the configured credentials";

  /** One attempt: pacing, the request, the status check, and `read` of a successful body. */
  const attempt = async <T>(
    input: HttpRequest,
    attemptNumber: number,
    url: URL,
    headers: Record<string, string>,
    body: string | undefined,
    read: (response: HttpResponse) => Promise<T>,
  ): Promise<T> => {
    const method = input.method ?? "GET";
    const shownUrl = redactUrl(url.toString());
    if (budget !== undefined) {
      await pause(budget.delayFor(Date.now()), "rate limit pacing", { signal: input.signal, onWait: options.onWait });
      budget.recordSent(Date.now());
    }
    const [{ request }, agent] = await Promise.all([loadUndici(), dispatcher()]);
    let response: Dispatcher.ResponseData;
    try {
      response = await request(url, {
        method,
        headers,
        body: body ?? null,
        dispatcher: agent,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
        signal: input.signal ?? null,
      });
    } catch (cause) {
      if (input.signal?.aborted === true) throw cause;
      throw new RetryableFailure(`a network error (${networkMessage(cause)})`, { cause });
    }
    const responseHeaders = flattenHeaders(response.headers);
    if (budget !== undefined && responseHeaders["ratelimit-remaining"] === "0") {
      const resetSeconds = Number(responseHeaders["ratelimit-reset"]);
      if (Number.isFinite(resetSeconds)) budget.blockFor(Date.now(), resetSeconds * 1000);
    }
    const status = response.statusCode;
    if ((status >= 200 && status < 300) || input.acceptStatuses?.includes(status) === true) {
      const answer = { status, headers: responseHeaders, body: response.body as unknown as HttpResponse["body"] };
      try {
        return await read(answer);
      } catch (cause) {
        await response.body.dump().catch(() => undefined);
        if (input.signal?.aborted === true || cause instanceof RetryableFailure || ParleyError.isParleyError(cause))
          throw cause;
        throw new RetryableFailure(`a body that could not be read (${networkMessage(cause)})`, { cause });
      }
    }
    const excerpt = redact((await response.body.text().catch(() => "")).slice(0, 500));
    if (authStatuses.includes(status)) {
      throw new AuthError(
        `${method} ${shownUrl} was refused with HTTP ${status}: check ${credentialName} (the value is not shown).`,
        { credential: credentialName, status },
      );
    }
    if (!isRetryableStatus(status)) {
      throw new HttpError(`${method} ${shownUrl} failed with HTTP ${status}: ${excerpt}`, {
        status,
        method,
        url: shownUrl,
        responseExcerpt: excerpt,
        attempts: attemptNumber,
        isRetryable: false,
      });
    }
    const retryAfterMs = parseRetryAfter(responseHeaders["retry-after"], Date.now());
    throw new RetryableFailure(`HTTP ${status}`, {
      status,
      excerpt,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    });
  };

  const send = async <T>(input: HttpRequest, read: (response: HttpResponse) => Promise<T>): Promise<T> => {
    const method = input.method ?? "GET";
    const url = buildUrl(options.baseUrl, input.path, input.query);
    const shownUrl = redactUrl(url.toString());
    const headers = {
      ...(input.withoutDefaultHeaders === true ? {} : revealHeaders(options.headers ?? {})),
      ...revealHeaders(input.headers ?? {}),
    };
    let body: string | undefined;
    if (input.json !== undefined) {
      body = JSON.stringify(input.json);
      headers["content-type"] ??= "application/json";
    }
    return retrying((attemptNumber) => attempt(input, attemptNumber, url, headers, body, read), {
      policy: input.retryable === false ? { ...retry, maxAttempts: 1 } : retry,
      signal: input.signal,
      onWait: options.onWait,
      random,
      retryOn: (error): RetryDecision | undefined => {
        if (!(error instanceof RetryableFailure)) return undefined;
        const reason =
          error.status === 429
            ? "rate limited by the server (429)"
            : `retrying ${method} ${shownUrl} after ${error.message}`;
        return { reason, retryAfterMs: error.retryAfterMs };
      },
      beforeWait: (delay, decision) => {
        if (decision.retryAfterMs !== undefined && budget !== undefined) budget.blockFor(Date.now(), delay);
      },
      giveUp: (error, attempts) => {
        if (!(error instanceof RetryableFailure)) return error;
        return new HttpError(
          `${method} ${shownUrl} failed after ${attempts} attempt(s) with ${error.message}${error.excerpt ? `: ${error.excerpt}` : ""}`,
          {
            ...(error.status === undefined ? {} : { status: error.status }),
            ...(error.excerpt === undefined ? {} : { responseExcerpt: error.excerpt }),
            method,
            url: shownUrl,
            attempts,
            isRetryable: true,
            cause: error.cause,
          },
        );
      },
    });
  };

  return {
    request: (input) => send(input, async (response) => response),
    read: send,
    json<T>(input: HttpRequest) {
      const request = { ...input, headers: { accept: "application/json", ...input.headers } };
      return send(request, async (response) => {
        const text = await response.body.text();
        const bytes = Buffer.byteLength(text, "utf8");
        if (response.status < 200 || response.status >= 300 || text === "")
          return { status: response.status, headers: response.headers, data: undefined as T, bytes };
        try {
          return { status: response.status, headers: response.headers, data: JSON.parse(text) as T, bytes };
        } catch (cause) {
          // A body cut short by a proxy or a reset that still ended cleanly: the next attempt may be whole.
          throw new RetryableFailure(
            `a ${response.status} answer whose body is not JSON (${redact(text.slice(0, 200))})`,
            { cause },
          );
        }
      });
    },
    async close() {
      await (await ownedAgent)?.close();
    },
  };
}
