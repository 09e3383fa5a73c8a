// A front for the Voicegain emulator that answers a page request it has seen before with the stored bytes of that
// answer. Why: the emulator builds every page again per request (about a third of a CPU-second per 50k calls), on
// the same two cores the loader is measured on, while a real API runs elsewhere; as the Ultimate emulator serves
// stored objects, the pages are built once before the timing and served from memory after. Requests it has not seen
// (the dlt pipeline's own queries, other statuses) go to the emulator as before.
import { createServer, request as forward, type IncomingMessage, type OutgoingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

interface StoredAnswer {
  readonly status: number;
  readonly headers: OutgoingHttpHeaders;
  readonly body: Buffer;
}

/** Same page, whatever order the client writes its query parameters in. */
function answerKey(method: string, url: URL, authorization: string | undefined): string {
  const query = [...url.searchParams].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `${method} ${url.pathname}?${new URLSearchParams(query)} ${authorization ?? ""}`;
}

async function readAll(stream: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Serves the emulator at `upstream` through a front that stores the answers of `warm` (page URLs) before it returns. */
export async function storedPages(
  upstream: string,
  authorization: string,
  warm: readonly URL[],
): Promise<{ readonly url: string; close(): Promise<void> }> {
  const target = new URL(upstream);
  const stored = new Map<string, StoredAnswer>();
  const server = createServer((incoming, outgoing) => {
    const url = new URL(incoming.url ?? "/", target);
    const key = answerKey(incoming.method ?? "GET", url, incoming.headers.authorization);
    const answer = stored.get(key);
    if (answer !== undefined) {
      outgoing.writeHead(answer.status, answer.headers).end(answer.body);
      return;
    }
    const upstreamRequest = forward(
      {
        host: target.hostname,
        port: target.port,
        path: incoming.url,
        method: incoming.method,
        headers: incoming.headers,
      },
      async (response) => {
        const body = await readAll(response);
        const headers: OutgoingHttpHeaders = { ...response.headers, "content-length": body.length };
        delete headers["transfer-encoding"];
        if (incoming.method === "GET" && response.statusCode === 200) stored.set(key, { status: 200, headers, body });
        outgoing.writeHead(response.statusCode ?? 502, headers).end(body);
      },
    );
    upstreamRequest.on("error", (error) => outgoing.destroy(error));
    incoming.pipe(upstreamRequest);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  for (const page of warm) {
    const response = await fetch(`${origin}${page.pathname}${page.search}`, { headers: { authorization } });
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`storing ${page}: HTTP ${response.status}`);
  }
  const url = `${origin}${target.pathname}`;
  return { url, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
