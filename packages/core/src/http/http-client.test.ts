import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, test } from "vitest";
import { Secret } from "../config/secret.ts";
import { AuthError } from "../errors/auth-error.ts";
import { HttpError } from "../errors/http-error.ts";
import { createHttpClient } from "./http-client.ts";

const arrivalTimes = new WeakMap<IncomingMessage, number>();
type Handler = (request: IncomingMessage, response: ServerResponse, hit: number) => void;
const servers: { close: () => Promise<void> }[] = [];

async function startServer(handler: Handler): Promise<{ url: string; hits: () => IncomingMessage[] }> {
  const seen: IncomingMessage[] = [];
  const server = createServer((request, response) => {
    seen.push(request);
    arrivalTimes.set(request, performance.now());
    handler(request, response, seen.length);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  servers.push({
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits: () => seen };
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

const fast = { initialDelayMs: 1, maxDelayMs: 5 };

describe("createHttpClient", () => {
  test("retries 429 honouring Retry-After, then succeeds, and reports the wait", async () => {
    const server = await startServer((_request, response, hit) => {
      if (hit === 1) {
        response.writeHead(429, { "retry-after": "0.05" }).end("slow down");
        return;
      }
      response.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}');
    });
    const waits: number[] = [];
    const client = createHttpClient({ baseUrl: server.url, retry: fast, onWait: (ms) => waits.push(ms) });
    const response = await client.json<{ ok: boolean }>({ path: "/x" });
    expect(response.data).toEqual({ ok: true });
    expect(server.hits()).toHaveLength(2);
    expect(waits[0]).toBeGreaterThanOrEqual(50);
    await client.close();
  });

  test("retries 5xx and gives up after maxAttempts with an HttpError carrying status and attempts", async () => {
    const server = await startServer((_request, response) => response.writeHead(503).end("unavailable"));
    const client = createHttpClient({ baseUrl: server.url, retry: { ...fast, maxAttempts: 3 } });
    const error = await client.request({ path: "/y" }).catch((caught: unknown) => caught);
    expect(HttpError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ status: 503, attempts: 3, isRetryable: true });
    expect(server.hits()).toHaveLength(3);
    await client.close();
  });

  test("does not retry a 400 and does not retry a request marked not retryable", async () => {
    const server = await startServer((request, response) =>
      response.writeHead(request.url === "/bad" ? 400 : 500).end("no"),
    );
    const client = createHttpClient({ baseUrl: server.url, retry: fast });
    await expect(client.request({ path: "/bad" })).rejects.toMatchObject({ status: 400, attempts: 1 });
    await expect(client.request({ path: "/once", method: "POST", retryable: false })).rejects.toMatchObject({
      status: 500,
      attempts: 1,
    });
    expect(server.hits()).toHaveLength(2);
    await client.close();
  });

  test("turns 401 into an AuthError that names the credential but never contains its value", async () => {
    const server = await startServer((request, response) =>
      response.writeHead(401).end(`invalid key ${String(request.headers.authorization)}`),
    );
    const token = new Secret("raw-api-key-0123456789");
    const client = createHttpClient({
      baseUrl: server.url,
      headers: { authorization: token },
      credentialName: "the `token` setting",
    });
    const error = await client.request({ path: "/z" }).catch((caught: unknown) => caught);
    expect(AuthError.isInstance(error)).toBe(true);
    expect(String((error as Error).message)).toContain("the `token` setting");
    expect(JSON.stringify(error) + String((error as Error).message)).not.toContain("raw-api-key-0123456789");
    expect(server.hits()[0]?.headers.authorization).toBe("raw-api-key-0123456789");
    await client.close();
  });

  test("sends no default headers to a signed URL and redacts its signature in errors", async () => {
    const server = await startServer((_request, response) => response.writeHead(404).end("gone"));
    const client = createHttpClient({
      baseUrl: "http://unused.invalid",
      headers: { authorization: new Secret("key-abcdef-999") },
      retry: fast,
    });
    const signed = `${server.url}/bucket/file.json?X-Goog-Signature=cafebabe1234&X-Goog-Expires=60`;
    const error = await client
      .request({ path: signed, withoutDefaultHeaders: true })
      .catch((caught: unknown) => caught);
    expect(server.hits()[0]?.headers.authorization).toBeUndefined();
    expect((error as HttpError).url).toBe(`${server.url}/bucket/file.json?[REDACTED]`);
    expect((error as Error).message).not.toContain("cafebabe1234");
    await client.close();
  });

  test("accepts statuses the caller declares as answers", async () => {
    const server = await startServer((_request, response) => response.writeHead(404).end("no export"));
    const client = createHttpClient({ baseUrl: server.url });
    const response = await client.request({ path: "/day", acceptStatuses: [404] });
    expect(response.status).toBe(404);
    expect(await response.body.text()).toBe("no export");
    await client.close();
  });

  test("paces requests to the budget so a tight limit is never exceeded", async () => {
    const server = await startServer((_request, response) => response.writeHead(200).end("ok"));
    const client = createHttpClient({ baseUrl: server.url, budget: [{ requests: 2, windowMs: 200 }] });
    for (let index = 0; index < 5; index++) await (await client.request({ path: "/p" })).body.dump();
    expect(server.hits()).toHaveLength(5);
    // Any three consecutive requests must span at least one window (less a few ms: the client paces on the
    // millisecond wall clock, the server stamps arrivals on the monotonic clock).
    const times = timesOf(server.hits());
    for (let index = 2; index < times.length; index++) {
      expect((times[index] as number) - (times[index - 2] as number)).toBeGreaterThanOrEqual(190);
    }
    // Unpaced, five requests take a few milliseconds; paced, at least two whole windows.
    expect((times[4] as number) - (times[0] as number)).toBeGreaterThanOrEqual(390);
    await client.close();
  });

  test("sends repeated keys for array query values and joins paths to the base URL", async () => {
    const server = await startServer((_request, response) => response.writeHead(200).end("{}"));
    const client = createHttpClient({ baseUrl: `${server.url}/v1/` });
    await client.json({ path: "sa/call", query: { agentId: ["a", "b"], page: 2, skip: undefined } });
    expect(server.hits()[0]?.url).toBe("/v1/sa/call?agentId=a&agentId=b&page=2");
    await client.close();
  });
});

function timesOf(requests: IncomingMessage[]): number[] {
  return requests.map((request) => arrivalTimes.get(request) ?? 0);
}
