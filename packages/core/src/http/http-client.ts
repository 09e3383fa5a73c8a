import { setTimeout as sleep } from "node:timers/promises";
import { Agent, type Dispatcher, request as undiciRequest } from "undici";
import { redact, redactUrl } from "../config/redactor.ts";
import { Secret } from "../config/secret.ts";
import { AuthError } from "../errors/auth-error.ts";
import { HttpError } from "../errors/http-error.ts";
import { type BudgetWindow, RequestBudget } from "./request-budget.ts";
import {
  defaultRetryOptions,
  isRetryableStatus,
  parseRetryAfter,
  type RetryOptions,
  retryDelay,
} from "./retry-policy.ts";

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
  /** The body as a stream; read it fully, or call `dump()`, to free the connection. */
  readonly body: AsyncIterable<Buffer> & { text(): Promise<string>; json(): Promise<unknown>; dump(): Promise<void> };
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
  /** Told about every wait (backoff or pacing), so progress output can show it. */
  readonly onWait?: (milliseconds: number, reason: string) => void;
  /** For tests and proxies; defaults to a keep-alive agent owned by the client. */
  readonly dispatcher?: Dispatcher;
  readonly random?: () => number;
}

export interface HttpClient {
  request(request: HttpRequest): Promise<HttpResponse>;
  /** `request` plus reading the body as JSON. */
  json<T = unknown>(request: HttpRequest): Promise<{ status: number; headers: HttpResponse["headers"]; data: T }>;
  close(): Promise<void>;
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

/** The shared HTTP client every connector uses: timeouts, keep-alive, retries with backoff, pacing and redaction. */
export function createHttpClient(options: HttpClientOptions): HttpClient {
  const retry: RetryOptions = { ...defaultRetryOptions, ...options.retry };
  const timeoutMs = options.timeoutMs ?? 60_000;
  const ownedAgent =
    options.dispatcher === undefined ? new Agent({ keepAliveTimeout: 30_000, connections: 16 }) : undefined;
  const dispatcher = options.dispatcher ?? (ownedAgent as Agent);
  const budget =
    options.budget !== undefined && options.budget.length > 0 ? new RequestBudget(options.budget) : undefined;
  const random = options.random ?? Math.random;
  const authStatuses = options.authStatuses ?? [401, 403];
  const credentialName = options.credentialName ?? "the configured credentials";

  const wait = async (milliseconds: number, reason: string, signal: AbortSignal | undefined): Promise<void> => {
    if (milliseconds <= 0) return;
    options.onWait?.(milliseconds, reason);
    await sleep(milliseconds, undefined, signal === undefined ? {} : { signal });
  };

  const request = async (input: HttpRequest): Promise<HttpResponse> => {
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
    const maxAttempts = input.retryable === false ? 1 : retry.maxAttempts;
    for (let attempt = 1; ; attempt++) {
      if (budget !== undefined) {
        await wait(budget.delayFor(Date.now()), "rate limit pacing", input.signal);
        budget.recordSent(Date.now());
      }
      let failure: { status?: number; excerpt?: string; retryAfterMs?: number; cause?: unknown };
      try {
        const response = await undiciRequest(url, {
          method,
          headers,
          body: body ?? null,
          dispatcher,
          headersTimeout: timeoutMs,
          bodyTimeout: timeoutMs,
          signal: input.signal ?? null,
        });
        const responseHeaders = flattenHeaders(response.headers);
        if (budget !== undefined && responseHeaders["ratelimit-remaining"] === "0") {
          const resetSeconds = Number(responseHeaders["ratelimit-reset"]);
          if (Number.isFinite(resetSeconds)) budget.blockFor(Date.now(), resetSeconds * 1000);
        }
        const accepted = input.acceptStatuses?.includes(response.statusCode) === true;
        if ((response.statusCode >= 200 && response.statusCode < 300) || accepted) {
          return {
            status: response.statusCode,
            headers: responseHeaders,
            body: response.body as unknown as HttpResponse["body"],
          };
        }
        const text = await response.body.text().catch(() => "");
        const excerpt = redact(text.slice(0, 500));
        if (authStatuses.includes(response.statusCode)) {
          throw new AuthError(
            `${method} ${shownUrl} was refused with HTTP ${response.statusCode}: check ${credentialName} (the value is not shown).`,
            { credential: credentialName, status: response.statusCode },
          );
        }
        failure = { status: response.statusCode, excerpt };
        const retryAfterMs = parseRetryAfter(responseHeaders["retry-after"], Date.now());
        if (retryAfterMs !== undefined) failure.retryAfterMs = retryAfterMs;
        if (!isRetryableStatus(response.statusCode)) {
          throw new HttpError(`${method} ${shownUrl} failed with HTTP ${response.statusCode}: ${excerpt}`, {
            status: response.statusCode,
            method,
            url: shownUrl,
            responseExcerpt: excerpt,
            attempts: attempt,
            isRetryable: false,
          });
        }
      } catch (error) {
        if (AuthError.isInstance(error) || HttpError.isInstance(error)) throw error;
        if (input.signal?.aborted === true) throw error;
        failure = { cause: error };
      }
      const retryAfterTooLong = failure.retryAfterMs !== undefined && failure.retryAfterMs > retry.maxRetryAfterMs;
      if (attempt >= maxAttempts || retryAfterTooLong) {
        const what =
          failure.status === undefined
            ? `a network error (${redact(String((failure.cause as Error)?.message ?? failure.cause))})`
            : `HTTP ${failure.status}`;
        throw new HttpError(
          `${method} ${shownUrl} failed after ${attempt} attempt(s) with ${what}${failure.excerpt ? `: ${failure.excerpt}` : ""}`,
          {
            ...(failure.status === undefined ? {} : { status: failure.status }),
            ...(failure.excerpt === undefined ? {} : { responseExcerpt: failure.excerpt }),
            method,
            url: shownUrl,
            attempts: attempt,
            isRetryable: true,
            cause: failure.cause,
          },
        );
      }
      const delay = retryDelay(retry, attempt, failure.retryAfterMs, random);
      if (failure.retryAfterMs !== undefined && budget !== undefined) budget.blockFor(Date.now(), delay);
      await wait(
        delay,
        failure.status === 429
          ? "rate limited by the server (429)"
          : `retrying after ${failure.status ?? "a network error"}`,
        input.signal,
      );
    }
  };

  return {
    request,
    async json<T>(input: HttpRequest) {
      const response = await request({ ...input, headers: { accept: "application/json", ...input.headers } });
      const text = await response.body.text();
      try {
        return {
          status: response.status,
          headers: response.headers,
          data: (text === "" ? undefined : JSON.parse(text)) as T,
        };
      } catch (cause) {
        throw new HttpError(
          `${input.method ?? "GET"} ${redactUrl(input.path)} answered ${response.status} with a body that is not JSON: ${redact(text.slice(0, 200))}`,
          {
            status: response.status,
            method: input.method ?? "GET",
            url: redactUrl(input.path),
            attempts: 1,
            isRetryable: false,
            cause,
          },
        );
      }
    },
    async close() {
      await ownedAgent?.close();
    },
  };
}
