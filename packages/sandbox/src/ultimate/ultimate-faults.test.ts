import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createUltimateEmulator, type UltimateEmulator } from "./index.ts";

let emulator: UltimateEmulator;
let botId: string;

beforeAll(async () => {
  emulator = await createUltimateEmulator({
    seed: 5,
    now: "2024-06-20T09:00:00Z",
    conversationsPerDay: 200,
    filesPerDay: 1,
  });
  botId = emulator.bots[0]?.id ?? "";
});
afterAll(() => emulator.close());
beforeEach(() => {
  emulator.clearFaults();
  emulator.clearRequests();
});

function signedUrls(date = "2024-06-19"): Promise<Response> {
  return fetch(`${emulator.url}/data-export/v3/get-signed-urls`, {
    method: "POST",
    headers: { authorization: emulator.apiKey, organizationid: emulator.organizationId, botid: botId },
    body: JSON.stringify({ date }),
  });
}

async function fileUrl(): Promise<string> {
  const { urls } = (await (await signedUrls()).json()) as { urls: string[] };
  return urls[0] ?? "";
}

describe("injected faults", () => {
  it("answers 429 with Retry-After for the next N calls, then recovers", async () => {
    emulator.injectFault({ kind: "rate-limit", retryAfterSeconds: 3 }, { times: 2, on: "signed-urls" });
    for (let attempt = 0; attempt < 2; attempt++) {
      const limited = await signedUrls();
      expect(limited.status).toBe(429);
      expect(limited.headers.get("retry-after")).toBe("3");
    }
    expect((await signedUrls()).status).toBe(200);
  });

  it("answers a plain 500 on the API and a GCS InternalError on downloads", async () => {
    const url = await fileUrl();
    emulator.injectFault({ kind: "server-error" }, { on: "signed-urls" });
    emulator.injectFault({ kind: "server-error" }, { on: "downloads" });
    const failed = await signedUrls();
    expect(failed.status).toBe(500);
    expect(await failed.text()).toBe("Internal Server Error");
    const download = await fetch(url);
    expect(download.status).toBe(500);
    expect(await download.text()).toContain("<Code>InternalError</Code>");
    expect((await fetch(url)).status).toBe(200);
  });

  it("only lets a download fault hit downloads", async () => {
    emulator.injectFault({ kind: "rate-limit" }, { on: "downloads" });
    const url = await fileUrl();
    const limited = await fetch(url);
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("1");
    expect(await limited.text()).toContain("<Code>SlowDown</Code>");
  });

  it("cuts a download after K bytes, and Range resumes it to identical bytes", async () => {
    const url = await fileUrl();
    const whole = Buffer.from(await (await fetch(url)).arrayBuffer());
    emulator.injectFault({ kind: "cut-connection", afterBytes: 100_000 });
    const cut = await fetch(url);
    expect(cut.status).toBe(200);
    const received: Buffer[] = [];
    const reader = cut.body?.getReader();
    await expect(
      (async () => {
        for (;;) {
          const { done, value } = (await reader?.read()) ?? { done: true, value: undefined };
          if (done) return;
          received.push(Buffer.from(value));
        }
      })(),
    ).rejects.toThrow();
    const partial = Buffer.concat(received);
    expect(partial.length).toBe(100_000);
    const rest = await fetch(url, { headers: { range: `bytes=${partial.length}-` } });
    expect(rest.status).toBe(206);
    expect(Buffer.concat([partial, Buffer.from(await rest.arrayBuffer())]).equals(whole)).toBe(true);
  });
});

describe("request log", () => {
  it("records method, path, headers and body of every request", async () => {
    await signedUrls("2024-06-18");
    const [logged] = emulator.requests;
    expect(logged?.method).toBe("POST");
    expect(logged?.path).toBe("/data-export/v3/get-signed-urls");
    expect(logged?.headers.botid).toBe(botId);
    expect(JSON.parse(logged?.body ?? "")).toEqual({ date: "2024-06-18" });
    expect(logged?.at.toISOString()).toBe("2024-06-20T09:00:00.000Z");
    emulator.clearRequests();
    expect(emulator.requests).toHaveLength(0);
  });
});

describe("day files on disk", () => {
  it("writes the day as NDJSON or an array, matching the records", async () => {
    const folder = await mkdtemp(join(tmpdir(), "ultimate-day-"));
    try {
      const ndjsonPath = join(folder, "day.ndjson");
      const arrayPath = join(folder, "day.json");
      const ndjson = await emulator.writeDayFile(botId, "2024-06-19", ndjsonPath);
      const array = await emulator.writeDayFile(botId, "2024-06-19", arrayPath, { format: "array" });
      expect(ndjson.records).toBe(200);
      const ndjsonText = await readFile(ndjsonPath, "utf8");
      expect(ndjson.bytes).toBe(Buffer.byteLength(ndjsonText));
      const expected = [...emulator.records(botId, "2024-06-19")];
      expect(
        ndjsonText
          .trimEnd()
          .split("\n")
          .map((line) => JSON.parse(line)),
      ).toEqual(expected);
      expect(JSON.parse(await readFile(arrayPath, "utf8"))).toEqual(expected);
      expect(array.bytes).toBeLessThan(ndjson.bytes + 2);
      expect(ndjsonText).toBe(await (await fetch(await fileUrl())).text());
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});
