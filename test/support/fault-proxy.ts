import { once } from "node:events";
import { createServer, request as httpRequest, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A fault to inject into the responses of matching requests:
 * - `drop`: the headers announce the whole body, then the connection is destroyed after `afterBytes` of it
 *   (a reset, a failover); the client sees an error while reading the body.
 * - `truncate`: the body ends cleanly after `afterBytes` (no length announced, the connection closes), as a proxy
 *   that loses the end of a response does; the client sees a short body and no error.
 */
export interface ProxyFault {
  readonly kind: "drop" | "truncate";
  readonly match: (request: { readonly method: string; readonly path: string }) => boolean;
  /** How many matching responses get the fault. */
  times: number;
  /** Body bytes passed on before the fault; a function gets the whole body (e.g. to cut mid-row). */
  readonly afterBytes: number | ((body: Buffer) => number);
}

export interface FaultProxy {
  /** The proxy's origin; use it instead of the target's. */
  readonly url: string;
  readonly faults: ProxyFault[];
  /** Requests seen, as `METHOD path`, and which got a fault. */
  readonly log: { readonly request: string; readonly fault: ProxyFault["kind"] | undefined }[];
  close(): Promise<void>;
}

function forward(
  target: URL,
  method: string,
  path: string,
  headers: IncomingHttpHeaders,
  body: Buffer,
): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const upstream = httpRequest(
      { host: target.hostname, port: target.port, method, path, headers: { ...headers, host: target.host } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () =>
          resolve({ status: response.statusCode ?? 502, headers: response.headers, body: Buffer.concat(chunks) }),
        );
        response.on("error", reject);
      },
    );
    upstream.on("error", reject);
    upstream.end(body);
  });
}

/**
 * An HTTP proxy on 127.0.0.1 in front of `targetUrl` (a vendor emulator) that injects faults into response bodies.
 * Links to the target inside response bodies (signed download URLs) are rewritten to go through the proxy too.
 */
export async function startFaultProxy(targetUrl: string): Promise<FaultProxy> {
  const target = new URL(targetUrl);
  const faults: ProxyFault[] = [];
  const log: FaultProxy["log"] = [];
  let origin = "";
  const server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const method = request.method ?? "GET";
    const path = request.url ?? "/";
    const { host: _host, ...headers } = request.headers;
    let answer: Awaited<ReturnType<typeof forward>>;
    try {
      answer = await forward(target, method, path, headers, Buffer.concat(chunks));
    } catch {
      response.writeHead(502).end();
      return;
    }
    const body = Buffer.from(answer.body.toString("latin1").replaceAll(target.origin, origin), "latin1");
    const fault = faults.find((candidate) => candidate.times > 0 && candidate.match({ method, path }));
    log.push({ request: `${method} ${path}`, fault: fault?.kind });
    const {
      "content-length": _length,
      "transfer-encoding": _encoding,
      connection: _connection,
      ...rest
    } = answer.headers;
    if (fault === undefined) {
      response.writeHead(answer.status, { ...rest, "content-length": body.length });
      response.end(body);
      return;
    }
    fault.times -= 1;
    const cut = Math.min(body.length, typeof fault.afterBytes === "number" ? fault.afterBytes : fault.afterBytes(body));
    const socket = request.socket;
    if (fault.kind === "drop") {
      response.writeHead(answer.status, { ...rest, "content-length": body.length });
      response.write(body.subarray(0, cut), () => socket.destroy());
      return;
    }
    // A response without a length ends where the connection closes: written on the socket, past Node's framing.
    const lines = [`HTTP/1.1 ${answer.status} OK`, "connection: close"];
    for (const [name, value] of Object.entries(rest))
      if (value !== undefined) lines.push(`${name}: ${Array.isArray(value) ? value.join(", ") : value}`);
    socket.end(Buffer.concat([Buffer.from(`${lines.join("\r\n")}\r\n\r\n`), body.subarray(0, cut)]));
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: origin + target.pathname.replace(/\/$/, ""),
    faults,
    log,
    async close() {
      server.closeAllConnections();
      server.close();
      await once(server, "close");
    },
  };
}
