import { execFileSync } from "node:child_process";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, test } from "vitest";
import { createHttpClient } from "./http-client.ts";

const closers: (() => Promise<void>)[] = [];

async function startServer(
  handler: (request: IncomingMessage, response: ServerResponse) => void,
): Promise<{ url: string; sockets: Set<Socket> }> {
  const sockets = new Set<Socket>();
  const server = createServer((request, response) => {
    sockets.add(request.socket);
    handler(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  closers.push(
    () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, sockets };
}

afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

const fast = { initialDelayMs: 1, maxDelayMs: 2 };

describe("the HTTP client's transport", () => {
  test("sends one request after the other over one kept-alive connection, with the body's length", async () => {
    const lengths: (string | undefined)[] = [];
    const server = await startServer((request, response) => {
      lengths.push(request.headers["content-length"]);
      request.resume();
      request.on("end", () => response.end(JSON.stringify({ path: request.url })));
    });
    const client = createHttpClient({ baseUrl: server.url });
    for (const path of ["/a", "/b", "/c"]) expect((await client.json({ path })).data).toEqual({ path });
    await client.json({ path: "/d", method: "POST", json: { text: "é" } });
    expect(server.sockets.size).toBe(1);
    expect(lengths).toEqual([undefined, undefined, undefined, String(Buffer.byteLength('{"text":"é"}'))]);
    await client.close();
  });

  test("a body that stops arriving for longer than the timeout is requested again", async () => {
    let hits = 0;
    const server = await startServer((_request, response) => {
      hits++;
      response.writeHead(200, { "content-length": "10" });
      // The first answer sends half its body and then nothing more; the second is whole.
      response.write("12345");
      if (hits > 1) response.end("67890");
    });
    const client = createHttpClient({ baseUrl: server.url, timeoutMs: 100, retry: fast });
    expect(await client.read({ path: "/slow" }, (response) => response.body.text())).toBe("1234567890");
    expect(hits).toBe(2);
    await client.close();
  });

  test("a signal aborted while the body is read ends the reading with the signal's reason", async () => {
    const server = await startServer((_request, response) => {
      response.writeHead(200, { "content-length": "10" });
      response.write("12345");
    });
    const client = createHttpClient({ baseUrl: server.url, retry: fast });
    const stop = new AbortController();
    const reading = client.read({ path: "/long", signal: stop.signal }, async (response) => {
      const chunks = response.body[Symbol.asyncIterator]();
      await chunks.next();
      stop.abort(new Error("stopped by the user"));
      return chunks.next();
    });
    await expect(reading).rejects.toThrow("stopped by the user");
    await client.close();
  });

  test("loads no HTTP library from outside Node.js (one took ~55 ms of CPU at every run's first request)", () => {
    const client = fileURLToPath(new URL("./http-client.ts", import.meta.url));
    const script = `
      const { createServer } = await import("node:http");
      const { createHttpClient } = await import(${JSON.stringify(client)});
      const server = createServer((request, response) => response.end("ok"));
      await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
      const http = createHttpClient({ baseUrl: "http://127.0.0.1:" + server.address().port });
      const text = await http.read({ path: "/" }, (response) => response.body.text());
      await http.close();
      server.close();
      const { createRequire } = await import("node:module");
      const loaded = Object.keys(createRequire(import.meta.url).cache).filter((path) => path.includes("node_modules"));
      process.stdout.write(JSON.stringify({ text, loaded }));
    `;
    const output = execFileSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
    expect(JSON.parse(output)).toEqual({ text: "ok", loaded: [] });
  });
});
