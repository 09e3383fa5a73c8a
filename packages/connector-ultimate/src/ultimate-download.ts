import {
  backoffDelay,
  defaultRetryOptions,
  ElementSplitter,
  type FileElement,
  type FilePiece,
  HttpError,
  ParleyError,
  pause,
  redactUrl,
  type WaitListener,
} from "@parley/core";
import type { UltimateClient } from "./ultimate-client.ts";

export interface FileDownload {
  readonly client: UltimateClient;
  /** The file's link; `fresh: true` asks the API again (the previous link expired). */
  readonly link: (fresh: boolean) => Promise<string>;
  readonly signal: AbortSignal;
  readonly onBytes: (bytes: number) => void;
  readonly onWait: WaitListener;
  /** Told when the download restarts from a byte offset (expired link, broken connection). */
  readonly onResume: (offset: number, why: string) => void;
  /** Hand out runs of whole elements as bytes (`ElementSplitter.pushRecords`) instead of one text per element. */
  readonly raw: boolean;
}

/** Attempts in a row that make no progress before giving up. */
const maxStalledAttempts = 5;
const backoff = { ...defaultRetryOptions, initialDelayMs: 100, maxDelayMs: 5_000 };

/**
 * Streams one export file as elements, a list per batch of received chunks (one await per batch, not per record). An expired link is replaced by a fresh one (vendor-apis §3.4:
 * ExpiredToken) and a broken connection is retried; both resume with `Range` from the end of the last
 * element handed out, so no element is produced twice and nothing is downloaded twice in full. A body that ends
 * before the file does (an array without its `]`, a last line cut mid-value) is asked for again the same way; if it
 * stays short, the download fails, so the day is never taken as complete.
 */
export async function* downloadElements(download: FileDownload): AsyncGenerator<readonly (FileElement | FilePiece)[]> {
  // A response's chunks are new memory for each read of the socket, never written again: records are views of them.
  const splitter = new ElementSplitter({ viewsOfChunks: true });
  let url = await download.link(false);
  let stalled = 0;
  let failedAt = -1;
  let lastFailure = "";
  // Failures in a row at the same offset; any progress since the last failure starts the count again.
  const giveUp = (why: string): boolean => {
    lastFailure = why;
    stalled = splitter.committed > failedAt ? 1 : stalled + 1;
    failedAt = splitter.committed;
    return stalled > maxStalledAttempts;
  };
  for (;;) {
    const offset = splitter.committed;
    const answer = await download.client.download(url, offset, download.signal);
    if (answer.kind === "refused") {
      if (giveUp(`the storage host refused the link (${answer.detail})`)) break;
      download.onResume(offset, `${lastFailure}; asking for a new link`);
      url = await download.link(true);
      continue;
    }
    if (answer.kind === "body") {
      try {
        for await (const chunks of answer.body) {
          let bytes = 0;
          for (const chunk of chunks) bytes += chunk.length;
          download.onBytes(bytes);
          const elements = download.raw ? splitter.pushRecords(chunks) : splitter.push(chunks);
          if (elements.length > 0) yield elements;
        }
      } catch (error) {
        if (download.signal.aborted || ParleyError.isParleyError(error)) throw error;
        splitter.rewind();
        if (giveUp(`the connection broke (${error instanceof Error ? error.message : String(error)})`)) break;
        await pause(backoffDelay(backoff, stalled, undefined), `${lastFailure}; resuming`, download);
        download.onResume(splitter.committed, lastFailure);
        continue;
      }
    }
    const cut = splitter.cutShort();
    if (cut === undefined) {
      yield download.raw ? splitter.finishRecords() : splitter.finish();
      return;
    }
    splitter.rewind();
    if (giveUp(cut)) break;
    await pause(backoffDelay(backoff, stalled, undefined), `${cut}; downloading again`, download);
    download.onResume(splitter.committed, lastFailure);
  }
  throw new HttpError(
    `Downloading ${redactUrl(url)} made no progress in ${maxStalledAttempts + 1} attempts: ${lastFailure}. The day is not marked loaded; run again later, it is read again from its start.`,
    { method: "GET", url: redactUrl(url), attempts: maxStalledAttempts + 1, isRetryable: true },
  );
}
