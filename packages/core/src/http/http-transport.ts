import type { Agent, IncomingMessage } from "node:http";
import type { Readable } from "node:stream";

/** A response body: a stream of the chunks received, with ways to read it whole or throw it away. */
export type ResponseBody = AsyncIterable<Buffer> &
  Readable & {
    /** The whole body as UTF-8 text. */
    text(): Promise<string>;
    /** The whole body parsed as JSON. */
    json(): Promise<unknown>;
    /** Reads the rest of the body without keeping it, so the connection can serve the next request. */
    dump(): Promise<void>;
  };

export interface TransportResponse {
  readonly statusCode: number;
  readonly headers: IncomingMessage["headers"];
  readonly body: ResponseBody;
}

export interface TransportRequest {
  readonly method: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | undefined;
  /** Idle time allowed while waiting for the answer and between body chunks. */
  readonly timeoutMs: number;
  readonly signal: AbortSignal | undefined;
}

/** Keep-alive agents for `http:` and `https:` URLs, made when first needed. */
export interface Transport {
  send(url: URL, request: TransportRequest): Promise<TransportResponse>;
  close(): void;
}

/**
 * Node's own HTTP client (keep-alive agents, at most `connections` sockets per host). It is part of Node, so it
 * costs a few milliseconds to load where an HTTP library from the registry took about 55 ms of CPU at the first
 * request of every run, ahead of the first page.
 */
export function createTransport(options: { readonly connections: number; readonly agent?: Agent }): Transport {
  const agents = new Map<string, Promise<{ request: typeof import("node:http").request; agent: Agent }>>();
  const transportFor = (protocol: string) => {
    let transport = agents.get(protocol);
    if (transport === undefined) {
      // Imported when first used: a run that sends no request never loads them, one on `http:` never loads TLS.
      transport = (protocol === "https:" ? import("node:https") : import("node:http")).then((module) => ({
        request: module.request,
        agent: options.agent ?? new module.Agent({ keepAlive: true, maxSockets: options.connections }),
      }));
      agents.set(protocol, transport);
    }
    return transport;
  };
  return {
    async send(url, input) {
      const { request, agent } = await transportFor(url.protocol);
      input.signal?.throwIfAborted();
      return new Promise<TransportResponse>((resolve, reject) => {
        const headers: Record<string, string> = { ...input.headers };
        if (input.body !== undefined) headers["content-length"] = String(Buffer.byteLength(input.body));
        const outgoing = request(url, { method: input.method, headers, agent, timeout: input.timeoutMs });
        let answered: IncomingMessage | undefined;
        // Whatever is under way ends with the signal's reason: the request, or the reading of its body.
        const stop = (error: Error): void => {
          if (answered === undefined) outgoing.destroy(error);
          else answered.destroy(error);
        };
        const abort = (): void => stop(input.signal?.reason as Error);
        input.signal?.addEventListener("abort", abort, { once: true });
        const done = (): void => input.signal?.removeEventListener("abort", abort);
        outgoing.on("timeout", () => stop(new Error(`no data for ${input.timeoutMs} ms`)));
        outgoing.on("error", (error) => {
          done();
          reject(error);
        });
        outgoing.on("response", (response: IncomingMessage) => {
          answered = response;
          response.on("close", done);
          resolve({ statusCode: response.statusCode ?? 0, headers: response.headers, body: withReaders(response) });
        });
        outgoing.end(input.body);
      });
    },
    close() {
      for (const transport of agents.values()) void transport.then(({ agent }) => agent.destroy());
      agents.clear();
    },
  };
}

function withReaders(response: IncomingMessage): ResponseBody {
  const text = async (): Promise<string> => {
    const chunks: Buffer[] = [];
    for await (const chunk of response) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString("utf8");
  };
  const dump = async (): Promise<void> => {
    if (response.readableEnded || response.destroyed) return;
    await new Promise<void>((resolve) => {
      response.on("end", resolve).on("close", resolve).on("error", resolve);
      response.resume();
    });
  };
  return Object.assign(response, { text, json: async () => JSON.parse(await text()) as unknown, dump });
}
