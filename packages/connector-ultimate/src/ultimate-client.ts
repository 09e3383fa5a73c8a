import {
  bodyChunks,
  createHttpClient,
  type HttpClientOptions,
  HttpError,
  redact,
  redactUrl,
  type WaitListener,
} from "@parley/core";
import type { UltimateApiConfig } from "./ultimate-config.ts";

/** What a signed download link answered. */
export type DownloadAnswer =
  /** The file's bytes from the requested offset on, in batches of the chunks received (read ahead of the reader). */
  | { readonly kind: "body"; readonly body: AsyncIterable<readonly Buffer[]> }
  /** The link is no longer honoured (400 ExpiredToken, or 403 for a retired signature): ask for new links. */
  | { readonly kind: "refused"; readonly detail: string }
  /** 416: nothing is left past the requested offset. */
  | { readonly kind: "ended" };

export interface UltimateClient {
  /** The signed file links for one bot and export day; undefined when the API has no export for it (404). */
  signedUrls(botId: string, date: string, signal?: AbortSignal): Promise<readonly string[] | undefined>;
  /** GETs a signed link from `offset` on, without the API credentials. */
  download(url: string, offset: number, signal?: AbortSignal): Promise<DownloadAnswer>;
  close(): Promise<void>;
}

export function createUltimateClient(
  config: UltimateApiConfig,
  options: { readonly onWait?: WaitListener; readonly dispatcher?: HttpClientOptions["dispatcher"] } = {},
): UltimateClient {
  const token = config.token.reveal();
  const client = createHttpClient({
    baseUrl: config.baseUrl,
    // Seed 004 names the headers organizationId, botId and authorization; header names are case-insensitive.
    headers: {
      organizationId: config.organizationId,
      authorization: config.authScheme === "bearer" ? `Bearer ${token}` : config.token,
    },
    credentialName: "the `token` setting (sent as the authorization header) and `organizationId`",
    ...(options.dispatcher === undefined ? {} : { dispatcher: options.dispatcher }),
    ...(options.onWait === undefined ? {} : { onWait: options.onWait }),
  });
  const path = `/data-export/${config.apiVersion}/get-signed-urls`;

  return {
    async signedUrls(botId, date, signal) {
      let response: Awaited<ReturnType<typeof client.json<{ urls?: unknown; signed_urls?: unknown } | undefined>>>;
      try {
        // The body is read inside the client's retries: a connection dropped mid-body is tried again.
        response = await client.json({
          method: "POST",
          path,
          headers: { botId },
          json: { date, ttl: config.ttlMinutes },
          acceptStatuses: [404],
          ...(signal === undefined ? {} : { signal }),
        });
      } catch (error) {
        if (HttpError.isInstance(error) && error.status === 400) {
          throw new HttpError(
            `The data-export API refused day ${date} of bot ${botId} (HTTP 400: ${error.responseExcerpt ?? ""}). ` +
              `v3 serves days from 2024-01-01 to yesterday (UTC), v2 only the last 30 days: check startDate, endDate and apiVersion.`,
            {
              status: 400,
              method: "POST",
              url: error.url,
              attempts: error.attempts,
              isRetryable: false,
              cause: error,
              ...(error.responseExcerpt === undefined ? {} : { responseExcerpt: error.responseExcerpt }),
            },
          );
        }
        throw error;
      }
      // vendor-apis §3.3: 404 means "no export for that bot and day" (e.g. before the bot existed).
      if (response.status === 404) return undefined;
      const data = response.data;
      const urls = data?.urls ?? data?.signed_urls;
      if (!Array.isArray(urls) || !urls.every((url) => typeof url === "string")) {
        throw new HttpError(
          `The data-export API answered day ${date} of bot ${botId} without a "urls" list (${redact(JSON.stringify(data ?? null).slice(0, 200))}); the response format may have changed.`,
          {
            status: response.status,
            method: "POST",
            url: path,
            attempts: 1,
            isRetryable: false,
          },
        );
      }
      return urls as string[];
    },

    async download(url, offset, signal) {
      const response = await client.request({
        path: url,
        // A signed link carries its own authorisation; the API key must not travel to the storage host (vendor-apis §3.4).
        withoutDefaultHeaders: true,
        headers: offset > 0 ? { range: `bytes=${offset}-` } : {},
        acceptStatuses: [400, 403, 404, 416],
        ...(signal === undefined ? {} : { signal }),
      });
      if (response.status === 200 || response.status === 206) {
        const body = bodyChunks(response.body);
        // A host that ignores Range sends the whole file: skip what was already read.
        return { kind: "body", body: response.status === 200 && offset > 0 ? skipBytes(body, offset) : body };
      }
      const text = (await response.body.text().catch(() => "")).slice(0, 300);
      if (response.status === 416) return { kind: "ended" };
      if ((response.status === 400 && text.includes("ExpiredToken")) || response.status === 403) {
        return {
          kind: "refused",
          detail: `HTTP ${response.status} ${/<Code>([^<]*)<\/Code>/.exec(text)?.[1] ?? ""}`.trim(),
        };
      }
      throw new HttpError(`Downloading ${redactUrl(url)} failed with HTTP ${response.status}: ${text}`, {
        status: response.status,
        method: "GET",
        url: redactUrl(url),
        responseExcerpt: text,
        attempts: 1,
        isRetryable: false,
      });
    },

    close: () => client.close(),
  };
}

async function* skipBytes(body: AsyncIterable<readonly Buffer[]>, bytes: number): AsyncGenerator<readonly Buffer[]> {
  let remaining = bytes;
  for await (const batch of body) {
    const kept: Buffer[] = [];
    for (const chunk of batch) {
      if (remaining >= chunk.length) remaining -= chunk.length;
      else {
        kept.push(remaining > 0 ? chunk.subarray(remaining) : chunk);
        remaining = 0;
      }
    }
    if (kept.length > 0) yield kept;
  }
}
