import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { ConfigError, parseConfig } from "@parley/core";
import { afterEach, describe, expect, test } from "vitest";
import { createSource, readSource } from "./__fixtures__/drive-source.ts";
import { voicegainConfigSchema } from "./voicegain-config.ts";
import { createVoicegainSource } from "./voicegain-source.ts";
import type { VoicegainState } from "./voicegain-state.ts";

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.close();
    await once(server, "close");
  }
});

/** A server that answers `/v1/sa/call` with a fixed body: what the emulator never sends (malformed records). */
async function fixedServer(contentType: string, body: string): Promise<string> {
  const server = createServer((request, response) => {
    const afterCallId = new URL(request.url ?? "/", "http://x").searchParams.get("afterCallId");
    // The first request gets the body; any later one (afterCallId advanced) gets an empty page.
    const empty = afterCallId !== "0";
    const text = empty ? (contentType === "text/csv" ? "callId,duration\r\n" : "[]") : body;
    response.writeHead(200, { "content-type": contentType, "x-total-count": empty ? "0" : "3" });
    response.end(text);
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
}

describe("records that cannot be mapped", () => {
  test("JSON: a bad number is a reject with its reason and raw record; the cursor still moves past it", async () => {
    const baseUrl = await fixedServer(
      "application/json",
      JSON.stringify([{ callId: "7", duration: 30 }, { callId: "8", duration: "thirty" }, { callId: "9" }]),
    );
    const read = await readSource({ token: "a-token-value", baseUrl, perPage: 3, rateLimit: false });
    expect(read.rows.map((row) => row.call_id)).toEqual([7, 9]);
    expect(read.rejects).toEqual([
      { raw: { callId: "8", duration: "thirty" }, reason: 'duration: "thirty" is not a number' },
    ]);
    expect((read.finalState as VoicegainState).consecutive?.afterCallId).toBe(9);
  });

  test("CSV: a line with too few fields and text after a closing quote are rejects with their text", async () => {
    const body = 'callId,duration,notes\r\n7,30,fine\r\n8,31\r\n9,32,"closed"early\r\n10,33,last\r\n';
    const read = await readSource({
      token: "a-token-value",
      baseUrl: await fixedServer("text/csv", body),
      format: "csv",
      timeZone: "UTC",
      perPage: 4,
      rateLimit: false,
    });
    expect(read.rows.map((row) => row.call_id)).toEqual([7, 10]);
    expect(read.rejects).toEqual([
      { raw: "8,31", reason: "the line has 2 fields, the header 3" },
      { raw: '9,32,"closed"early', reason: "broken CSV line: text after a closing quote" },
    ]);
    expect((read.finalState as VoicegainState).consecutive?.afterCallId).toBe(10);
  });

  test("CSV: a page that breaks off inside its last row is asked for again, then fails naming the request", {
    timeout: 20_000,
  }, async () => {
    for (const cut of [
      "callId,duration,notes\r\n7,30,fine\r\n8,31",
      'callId,duration,notes\r\n7,30,fine\r\n9,32,"never clo',
    ]) {
      const read = readSource({
        token: "a-token-value",
        baseUrl: await fixedServer("text/csv", cut),
        format: "csv",
        timeZone: "UTC",
        perPage: 3,
        rateLimit: false,
      });
      await expect(read).rejects.toThrow(
        /GET http:\/\/127\.0\.0\.1:\d+\/v1\/sa\/call\?.* failed after 5 attempt\(s\) with a body that could not be read \(the CSV body breaks off inside a row/,
      );
    }
  });
});

describe("settings", () => {
  test("defaults: cloud URL, JSON, 1000 per page, consecutive, vendor rate limits", () => {
    const parsed = voicegainConfigSchema.parse({ token: "a-token-value" });
    expect(parsed).toMatchObject({
      baseUrl: "https://api.voicegain.ai/v1",
      format: "json",
      perPage: 1000,
      mode: "consecutive",
      rateLimit: { requestsPerMinute: 75, requestsPerHour: 2000 },
    });
  });

  test("cross-field rules name the field to fix", () => {
    const issues = (settings: Record<string, unknown>) => {
      const parsed = parseConfig(voicegainConfigSchema, { token: "a-token-value", ...settings });
      return parsed.ok ? [] : parsed.issues.map((issue) => `${issue.path}: ${issue.message}`);
    };
    expect(issues({ format: "csv" })).toEqual([expect.stringMatching(/^timeZone: required with format csv/)]);
    expect(issues({ fromTime: "2024-05-01T00:00:00" })).toEqual([expect.stringMatching(/^fromTime: has no offset/)]);
    expect(issues({ fromTime: "2024-05-02T00:00:00Z", toTime: "2024-05-01T00:00:00Z" })).toEqual([
      "toTime: must be later than fromTime",
    ]);
    expect(issues({ mode: "window" })).toEqual([expect.stringMatching(/^fromTime: required in window mode/)]);
    expect(issues({ agentIds: ["short"] })).toEqual([expect.stringMatching(/^agentIds\[0\]: ids are 16 to 48/)]);
    expect(issues({ perPage: 10_001 })).toEqual(["perPage: must be between 1 and 10000"]);
    expect(issues({ fromTime: "2024-05-01", timeZone: "America/Chicago", mode: "window" })).toEqual([]);
  });

  test("createVoicegainSource refuses bad settings with a ConfigError that never shows the token", () => {
    const error = (() => {
      try {
        createVoicegainSource({ token: "super-secret-jwt-value", perPage: 0 });
      } catch (caught) {
        return caught;
      }
    })();
    expect(ConfigError.isInstance(error)).toBe(true);
    expect(String((error as Error).message)).toMatch(/perPage/);
    expect(String((error as Error).message)).not.toContain("super-secret-jwt-value");
  });

  test("creating a source does no I/O, and close() is safe twice", async () => {
    // Nothing listens on port 9: any request would fail.
    const source = createSource({ token: "a-token-value", baseUrl: "http://127.0.0.1:9/v1" });
    expect(source.streams.map((stream) => stream.name)).toEqual(["calls"]);
    await source.close();
    await source.close();
  });
});
