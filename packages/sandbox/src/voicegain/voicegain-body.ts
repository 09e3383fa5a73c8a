import type { OutgoingHttpHeaders, ServerResponse } from "node:http";

const flushBytes = 64 * 1024;

/**
 * Streams a response body from `pieces` with backpressure, so a 10,000-record page or a whole benchmark export
 * never sits in memory as one string. With `cutAfterBytes` the connection is dropped after that many body bytes,
 * which is how the "connection cut mid-body" fault looks to a client.
 */
export async function streamBody(
  response: ServerResponse,
  status: number,
  headers: OutgoingHttpHeaders,
  pieces: Iterable<string>,
  cutAfterBytes?: number,
): Promise<void> {
  response.writeHead(status, headers);
  let pending = "";
  let sent = 0;
  const flush = async (): Promise<boolean> => {
    if (pending.length === 0 || response.destroyed) return !response.destroyed;
    const buffer = Buffer.from(pending, "utf8");
    pending = "";
    if (cutAfterBytes !== undefined && sent + buffer.length >= cutAfterBytes) {
      const head = buffer.subarray(0, Math.max(0, cutAfterBytes - sent));
      await new Promise<void>((resolve) => response.write(head, () => resolve()));
      response.destroy();
      return false;
    }
    sent += buffer.length;
    if (cutAfterBytes !== undefined) {
      await new Promise<void>((resolve) => response.write(buffer, () => resolve()));
    } else if (!response.write(buffer)) {
      await drained(response);
    }
    return !response.destroyed;
  };
  for (const piece of pieces) {
    pending += piece;
    if (pending.length >= flushBytes && !(await flush())) return;
  }
  if (!(await flush())) return;
  if (cutAfterBytes !== undefined) {
    // The body was shorter than the cut point: still drop the connection before the final chunk.
    response.destroy();
    return;
  }
  response.end();
}

function drained(response: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      response.off("drain", done);
      response.off("close", done);
      resolve();
    };
    response.on("drain", done);
    response.on("close", done);
  });
}

/** `[a,b,c]` as pieces, each record's JSON text from `text` (by default JSON.stringify). */
export function* jsonArrayPieces<T>(
  items: Iterable<T>,
  text: (item: T) => string = (item) => JSON.stringify(item),
): Generator<string> {
  yield "[";
  let first = true;
  for (const item of items) {
    yield first ? text(item) : `,${text(item)}`;
    first = false;
  }
  yield "]";
}
