import { createReadStream } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { pipeline } from "node:stream/promises";
import { sendText } from "../server/emulator-server.ts";
import { requireDay } from "./ultimate-dates.ts";
import { type FileBodySource, fileByteChunks, fileByteLength } from "./ultimate-file-body.ts";
import type { UltimateApiVersion } from "./ultimate-options.ts";
import { parseObjectPath } from "./ultimate-signing.ts";
import type { UltimateState } from "./ultimate-state.ts";

const xmlType = "application/xml; charset=UTF-8";

interface GcsFailure {
  readonly status: number;
  readonly code: string;
  readonly message: string;
  readonly details?: string;
  readonly headers?: Record<string, string>;
}

const failures = {
  unsigned: {
    status: 403,
    code: "AccessDenied",
    message: "Access denied.",
    details: "Anonymous caller does not have storage.objects.get access to the Google Cloud Storage object.",
  },
  mismatch: {
    status: 403,
    code: "SignatureDoesNotMatch",
    message: "Access denied.",
    details:
      "The request signature we calculated does not match the signature you provided. Check your Google secret key and signing method.",
  },
  missing: { status: 404, code: "NoSuchKey", message: "The specified key does not exist." },
  serverError: { status: 500, code: "InternalError", message: "We encountered an internal error. Please try again." },
} satisfies Record<string, GcsFailure>;

/** GCS's XML error document (vendor-apis §3.4). */
function sendGcsError(response: ServerResponse, failure: GcsFailure): void {
  const details = failure.details === undefined ? "" : `<Details>${failure.details}</Details>`;
  const xml = `<?xml version='1.0' encoding='UTF-8'?><Error><Code>${failure.code}</Code><Message>${failure.message}</Message>${details}</Error>`;
  sendText(response, failure.status, xml, xmlType, failure.headers ?? {});
}

/** `GET`/`HEAD` of a signed file URL: a plain request without auth header (vendor-apis §3.4). */
export async function handleDownload(
  state: UltimateState,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const url = new URL(request.url ?? "/", "http://localhost");
  const resolved = resolveObject(state, url);
  if ("code" in resolved) {
    sendGcsError(response, resolved);
    return;
  }
  const { source, cutAfter } = resolved;
  // A cut connection is a test's fault: generated, so the cut falls where the test put it.
  const stored = cutAfter === undefined ? await state.stored?.get(source) : undefined;
  const lengthKey = `${url.pathname}#${source.plan.visibleCount}`;
  const totalLength = (): number => {
    if (stored !== undefined) return stored.length;
    let length = state.lengths.get(lengthKey);
    if (length === undefined) {
      length = fileByteLength(source);
      state.lengths.set(lengthKey, length);
    }
    return length;
  };
  const headers: Record<string, string | number> = {
    "content-type": "application/json",
    "accept-ranges": "bytes",
    "cache-control": "private, max-age=0",
  };
  const range = parseRange(request.headers.range);
  let start = 0;
  let end = Number.POSITIVE_INFINITY;
  if (range) {
    const length = totalLength();
    start = range.suffix ? Math.max(0, length - range.start) : range.start;
    end = Math.min(length, range.end === undefined ? length : range.end + 1);
    if (start >= length || start >= end) {
      sendGcsError(response, {
        status: 416,
        code: "InvalidRange",
        message: "The requested range cannot be satisfied.",
        headers: { "content-range": `bytes */${length}` },
      });
      return;
    }
    headers["content-range"] = `bytes ${start}-${end - 1}/${length}`;
    headers["content-length"] = end - start;
  } else if (state.settings.contentLength || request.method === "HEAD") {
    headers["content-length"] = totalLength();
  }
  response.writeHead(range ? 206 : 200, headers);
  if (request.method === "HEAD") {
    response.end();
    return;
  }
  if (stored !== undefined) {
    const last = Number.isFinite(end) ? end - 1 : undefined;
    // A client that goes away mid-body is not the emulator's failure. Read in 1 MiB pieces, as a storage host serves
    // large objects: Node's 64 KiB default cost the emulator ~0.57 CPU-s per 300 MB on the loader's cores (now ~0.38).
    await pipeline(
      createReadStream(stored.path, { start, highWaterMark: 1 << 20, ...(last === undefined ? {} : { end: last }) }),
      response,
    ).catch(() => undefined);
    return;
  }
  await writeBody(response, fileByteChunks(source, start, end), cutAfter);
}

/** Signature, expiry, the object, then any injected fault. */
function resolveObject(state: UltimateState, url: URL): GcsFailure | { source: FileBodySource; cutAfter?: number } {
  const check = state.signer.check(url.pathname, url.searchParams);
  if (check.outcome === "unsigned" || check.outcome === "mismatch") return failures[check.outcome];
  const now = state.now();
  if (now.getTime() > check.expiresAt || check.outcome === "retired") {
    const details = `Request has expired: ${Math.floor(check.expiresAt / 1000)}`;
    return { status: 400, code: "ExpiredToken", message: "Invalid argument.", details };
  }
  const object = parseObjectPath(url.pathname);
  const buckets = state.settings.buckets;
  const version = (Object.keys(buckets) as UltimateApiVersion[]).find((name) => buckets[name] === object?.bucket);
  const bot = object && state.generator.bot(object.botId);
  if (!object || !version || !bot || object.file >= state.generator.options.filesPerDay) return failures.missing;
  const fault = state.faults.take("downloads");
  if (fault?.kind === "rate-limit") {
    const headers = { "retry-after": String(fault.retryAfterSeconds ?? 1) };
    return { status: 429, code: "SlowDown", message: "Please reduce your request rate.", headers };
  }
  if (fault?.kind === "server-error") return failures.serverError;
  const plan = state.generator.plan(object.botId, requireDay(object.date), now);
  const format = state.generator.options.fileFormat;
  const source: FileBodySource = { generator: state.generator, plan, file: object.file, version, format };
  return fault?.kind === "cut-connection" ? { source, cutAfter: fault.afterBytes } : { source };
}

/** `bytes=N-`, `bytes=N-M` and `bytes=-N`; anything else is ignored and the whole object is sent, as GCS does. */
function parseRange(header: string | undefined): { start: number; end?: number; suffix: boolean } | undefined {
  const match = header === undefined ? null : /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === "" && match[2] === "")) return undefined;
  if (match[1] === "") return { start: Number(match[2]), suffix: true };
  const start = Number(match[1]);
  if (match[2] === "") return { start, suffix: false };
  const end = Number(match[2]);
  return end < start ? undefined : { start, end, suffix: false };
}

async function writeBody(
  response: ServerResponse,
  chunks: Iterable<Buffer>,
  cutAfter: number | undefined,
): Promise<void> {
  let sent = 0;
  for (const chunk of chunks) {
    if (response.destroyed) return;
    if (cutAfter !== undefined && sent + chunk.length >= cutAfter) {
      const piece = chunk.subarray(0, cutAfter - sent);
      if (piece.length === 0) {
        response.flushHeaders();
        response.socket?.end();
      } else {
        response.write(piece, () => response.socket?.destroy());
      }
      return;
    }
    sent += chunk.length;
    if (!response.write(chunk)) await drained(response);
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
