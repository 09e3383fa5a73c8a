import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { invalid, notFound } from "./bigquery-errors.ts";

/** Reads a whole request body up to `limitBytes` (uploads can be large, unlike the JSON calls). */
export async function readRaw(request: IncomingMessage, limitBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > limitBytes) throw invalid(`Upload larger than the emulator's limit of ${limitBytes} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export function parseJsonBody(body: Buffer | string): unknown {
  const text = body.toString();
  if (text.trim() === "") return {};
  try {
    return JSON.parse(text);
  } catch {
    throw invalid(`Invalid JSON payload received. Unexpected token.\n${text.slice(0, 80)}`);
  }
}

/** Splits a `multipart/related` upload into its metadata (JSON) and media parts. */
export function parseMultipart(contentType: string | undefined, body: Buffer): { metadata: unknown; media: Buffer } {
  const boundary = /boundary="?([^";]+)"?/i.exec(contentType ?? "")?.[1];
  if (!/^multipart\/related/i.test(contentType ?? "") || boundary === undefined) {
    throw invalid("Multipart uploads need Content-Type multipart/related with a boundary.");
  }
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: Buffer[] = [];
  let start = body.indexOf(delimiter);
  while (start !== -1) {
    const next = body.indexOf(delimiter, start + delimiter.length);
    if (next === -1) break;
    parts.push(body.subarray(start + delimiter.length, next));
    start = next;
  }
  if (parts.length !== 2)
    throw invalid(`A multipart upload has exactly two parts (metadata, then media); got ${parts.length}.`);
  const [metadataPart, mediaPart] = parts.map((part) => {
    const headerEnd = part.indexOf("\r\n\r\n");
    if (headerEnd === -1) throw invalid("A multipart part is missing its headers.");
    const headers = part.subarray(0, headerEnd).toString();
    let content = part.subarray(headerEnd + 4);
    if (content.subarray(-2).toString() === "\r\n") content = content.subarray(0, -2);
    return { headers, content };
  }) as [{ headers: string; content: Buffer }, { headers: string; content: Buffer }];
  if (!/content-type:\s*application\/json/i.test(metadataPart.headers))
    throw invalid("The first part of a multipart upload must be the job metadata as application/json.");
  return { metadata: parseJsonBody(metadataPart.content), media: mediaPart.content };
}

interface Session {
  projectId: string;
  metadata: unknown;
  chunks: Buffer[];
  received: number;
}

/** Resumable upload sessions: initiated with the job metadata, then filled with PUTs (whole, or chunked with Content-Range). */
export class ResumableUploads {
  readonly #sessions = new Map<string, Session>();

  start(projectId: string, metadata: unknown): string {
    const id = randomUUID().replaceAll("-", "");
    this.#sessions.set(id, { projectId, metadata, chunks: [], received: 0 });
    return id;
  }

  /** Adds a chunk; returns the session when the upload is complete, or the bytes received so far. */
  put(id: string, contentRange: string | undefined, chunk: Buffer): { done: Session } | { received: number } {
    const session = this.#sessions.get(id);
    if (session === undefined) throw notFound(`Upload session ${id}`);
    if (contentRange === undefined) {
      session.chunks.push(chunk);
      this.#sessions.delete(id);
      return { done: session };
    }
    const match = /^bytes (?:(\d+)-(\d+)|\*)\/(\d+|\*)$/.exec(contentRange);
    if (match === null) throw invalid(`Invalid Content-Range header: ${contentRange}`);
    const [, first, last, total] = match;
    if (first !== undefined) {
      if (Number(first) !== session.received || Number(last) - Number(first) + 1 !== chunk.length) {
        throw invalid(`Content-Range ${contentRange} does not continue the ${session.received} bytes received so far.`);
      }
      session.chunks.push(chunk);
      session.received += chunk.length;
    }
    if (total !== "*" && session.received === Number(total)) {
      this.#sessions.delete(id);
      return { done: session };
    }
    return { received: session.received };
  }
}
