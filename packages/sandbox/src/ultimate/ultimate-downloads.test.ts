import { mkdtemp, readdir, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUltimateEmulator, type UltimateEmulator } from "./index.ts";

let emulator: UltimateEmulator;
let botId: string;

beforeAll(async () => {
  emulator = await createUltimateEmulator({ seed: 11, now: "2024-06-20T09:00:00Z", conversationsPerDay: 300 });
  botId = emulator.bots[0]?.id ?? "";
});
afterAll(() => emulator.close());

async function signedUrls(body: Record<string, unknown> = { date: "2024-06-19" }): Promise<string[]> {
  const response = await fetch(`${emulator.url}/data-export/v3/get-signed-urls`, {
    method: "POST",
    headers: { authorization: emulator.apiKey, organizationid: emulator.organizationId, botid: botId },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { urls: string[] }).urls;
}

function firstUrl(urls: string[]): string {
  const url = urls[0];
  if (url === undefined) throw new Error("no url");
  return url;
}

async function expectGcsError(response: Response, status: number, code: string): Promise<string> {
  expect(response.status).toBe(status);
  expect(response.headers.get("content-type")).toMatch(/^application\/xml/);
  const text = await response.text();
  expect(text).toMatch(new RegExp(`^<\\?xml version='1.0' encoding='UTF-8'\\?><Error><Code>${code}</Code>`));
  return text;
}

describe("signed file downloads", () => {
  it("serves the files without any auth header, as NDJSON of the day's records", async () => {
    const urls = await signedUrls();
    const lines: string[] = [];
    for (const url of urls) {
      const response = await fetch(url);
      expect(response.status).toBe(200);
      lines.push(...(await response.text()).split("\n").filter((line) => line !== ""));
    }
    expect(lines).toHaveLength(300);
    expect(lines.map((line) => JSON.parse(line))).toEqual([...emulator.records(botId, "2024-06-19")]);
    const download = emulator.requests.at(-1);
    expect(download?.method).toBe("GET");
    expect(download?.headers.authorization).toBeUndefined();
  });

  it("answers ExpiredToken (400, XML) once the ttl has passed", async () => {
    await using clocked = await createUltimateEmulator({ seed: 11, now: "2024-06-20T09:00:00Z" });
    const response = await fetch(`${clocked.url}/data-export/v3/get-signed-urls`, {
      method: "POST",
      headers: {
        authorization: clocked.apiKey,
        organizationid: clocked.organizationId,
        botid: clocked.bots[0]?.id ?? "",
      },
      body: JSON.stringify({ date: "2024-06-19", ttl: 10 }),
    });
    const url = firstUrl(((await response.json()) as { urls: string[] }).urls);
    clocked.setNow("2024-06-20T09:10:00Z");
    expect((await fetch(url)).status).toBe(200);
    clocked.setNow("2024-06-20T09:10:01Z");
    const text = await expectGcsError(await fetch(url), 400, "ExpiredToken");
    expect(text).toContain("<Message>Invalid argument.</Message><Details>");
  });

  it("answers SignatureDoesNotMatch (403) for a tampered signature, expiry or path", async () => {
    const url = new URL(firstUrl(await signedUrls()));
    const signature = url.searchParams.get("X-Goog-Signature") ?? "";
    const flipped = new URL(url);
    flipped.searchParams.set("X-Goog-Signature", `${signature.slice(0, -1)}${signature.endsWith("0") ? "1" : "0"}`);
    await expectGcsError(await fetch(flipped), 403, "SignatureDoesNotMatch");
    const longer = new URL(url);
    longer.searchParams.set("X-Goog-Expires", "604800");
    await expectGcsError(await fetch(longer), 403, "SignatureDoesNotMatch");
    const otherFile = new URL(url.href.replace("_000000000000.json", "_000000000001.json"));
    await expectGcsError(await fetch(otherFile), 403, "SignatureDoesNotMatch");
    await expectGcsError(await fetch(`${url.origin}${url.pathname}`), 403, "AccessDenied");
  });

  it("expires every issued link on demand", async () => {
    const before = firstUrl(await signedUrls());
    emulator.expireIssuedLinks();
    await expectGcsError(await fetch(before), 400, "ExpiredToken");
    expect((await fetch(firstUrl(await signedUrls()))).status).toBe(200);
  });

  it("resumes with Range: bytes=N- (206) to identical bytes", async () => {
    const url = firstUrl(await signedUrls());
    const whole = Buffer.from(await (await fetch(url)).arrayBuffer());
    const offset = Math.floor(whole.length / 3) + 1;
    const rest = await fetch(url, { headers: { range: `bytes=${offset}-` } });
    expect(rest.status).toBe(206);
    expect(rest.headers.get("content-range")).toBe(`bytes ${offset}-${whole.length - 1}/${whole.length}`);
    expect(rest.headers.get("content-length")).toBe(String(whole.length - offset));
    const resumed = Buffer.concat([whole.subarray(0, offset), Buffer.from(await rest.arrayBuffer())]);
    expect(resumed.equals(whole)).toBe(true);
    const middle = await fetch(url, { headers: { range: "bytes=10-19" } });
    expect(Buffer.from(await middle.arrayBuffer()).equals(whole.subarray(10, 20))).toBe(true);
    const suffix = await fetch(url, { headers: { range: "bytes=-7" } });
    expect(Buffer.from(await suffix.arrayBuffer()).equals(whole.subarray(whole.length - 7))).toBe(true);
    const beyond = await fetch(url, { headers: { range: `bytes=${whole.length}-` } });
    await expectGcsError(beyond, 416, "InvalidRange");
    expect(beyond.headers.get("content-range")).toBe(`bytes */${whole.length}`);
  });

  it("answers HEAD with the length, and GET with a length only when asked", async () => {
    const url = firstUrl(await signedUrls());
    const whole = Buffer.from(await (await fetch(url)).arrayBuffer());
    const head = await fetch(url, { method: "HEAD" });
    expect(head.headers.get("content-length")).toBe(String(whole.length));
    expect((await fetch(url)).headers.get("content-length")).toBeNull();
    await using sized = await createUltimateEmulator({ seed: 11, now: "2024-06-20T09:00:00Z", contentLength: true });
    const response = await fetch(`${sized.url}/data-export/v3/get-signed-urls`, {
      method: "POST",
      headers: { authorization: sized.apiKey, organizationid: sized.organizationId, botid: sized.bots[0]?.id ?? "" },
      body: JSON.stringify({ date: "2024-06-19" }),
    });
    const download = await fetch(firstUrl(((await response.json()) as { urls: string[] }).urls));
    const body = Buffer.from(await download.arrayBuffer());
    expect(download.headers.get("content-length")).toBe(String(body.length));
  });
  it("answers NoSuchKey (404) for a validly signed name the day does not have", async () => {
    const options = { seed: 11, now: "2024-06-20T09:00:00Z" } as const;
    await using three = await createUltimateEmulator({ ...options, filesPerDay: 3 });
    await using one = await createUltimateEmulator({ ...options, filesPerDay: 1 });
    const response = await fetch(`${three.url}/data-export/v3/get-signed-urls`, {
      method: "POST",
      headers: { authorization: three.apiKey, organizationid: three.organizationId, botid: three.bots[0]?.id ?? "" },
      body: JSON.stringify({ date: "2024-06-19" }),
    });
    const third = new URL(((await response.json()) as { urls: string[] }).urls[2] ?? "");
    // Same seed, same signing key: the third file's link verifies on an emulator that writes one file a day.
    await expectGcsError(await fetch(`${one.url}${third.pathname}${third.search}`), 404, "NoSuchKey");
  });
});

describe("stored objects (storedObjects)", () => {
  it("serve the same bytes as generated downloads, whole and by range, generating each object once", async () => {
    const folder = await mkdtemp(join(tmpdir(), "parley-stored-objects-"));
    const options = { seed: 11, now: "2024-06-20T09:00:00Z", conversationsPerDay: 300, fileFormat: "array" } as const;
    await using generated = await createUltimateEmulator(options);
    await using stored = await createUltimateEmulator({ ...options, storedObjects: folder });
    try {
      const bot = stored.bots[0]?.id ?? "";
      await stored.storeDay(bot, "2024-06-19");
      const objects = async () => {
        const names = (await readdir(folder)).sort();
        return Promise.all(names.map(async (name) => [name, (await stat(join(folder, name))).mtimeMs]));
      };
      const written = await objects();
      expect(written.length).toBeGreaterThan(0);
      const urlOf = async (emulator: UltimateEmulator) => {
        const response = await fetch(`${emulator.url}/data-export/v3/get-signed-urls`, {
          method: "POST",
          headers: { authorization: emulator.apiKey, organizationid: emulator.organizationId, botid: bot },
          body: JSON.stringify({ date: "2024-06-19" }),
        });
        return firstUrl(((await response.json()) as { urls: string[] }).urls);
      };
      const [fromGenerated, fromStored] = [await urlOf(generated), await urlOf(stored)];
      const body = async (url: string, range?: string) => {
        const response = await fetch(url, range === undefined ? {} : { headers: { range } });
        return { status: response.status, range: response.headers.get("content-range"), text: await response.text() };
      };
      const whole = await body(fromStored);
      expect(whole.text.length).toBeGreaterThan(10_000);
      expect(whole).toEqual(await body(fromGenerated));
      for (const range of ["bytes=1000-", "bytes=10-4999", "bytes=-700"])
        expect(await body(fromStored, range)).toEqual(await body(fromGenerated, range));
      expect(await objects()).toEqual(written);
      // Served from the stored bytes: what the folder holds is what is sent.
      for (const [name] of written) await writeFile(join(folder, name as string), "stored");
      expect((await body(fromStored)).text).toBe("stored");
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});
