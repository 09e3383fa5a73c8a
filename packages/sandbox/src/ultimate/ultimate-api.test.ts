import { request as httpRequest } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUltimateEmulator, type UltimateEmulator } from "./index.ts";

let emulator: UltimateEmulator;
let headers: Record<string, string>;
const now = "2024-06-20T09:00:00Z";

beforeAll(async () => {
  emulator = await createUltimateEmulator({ seed: 7, now });
  const bot = emulator.bots[0];
  if (!bot) throw new Error("no bot");
  headers = { authorization: emulator.apiKey, organizationId: emulator.organizationId, botId: bot.id };
});
afterAll(() => emulator.close());

function signedUrls(body: unknown, requestHeaders = headers, version = "v3"): Promise<Response> {
  return fetch(`${emulator.url}/data-export/${version}/get-signed-urls`, {
    method: "POST",
    headers: { "content-type": "application/json", ...requestHeaders },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

async function expectPlain(response: Response, status: number, text: string | RegExp): Promise<void> {
  expect(response.status).toBe(status);
  expect(response.headers.get("content-type")).toMatch(/^text\/plain/);
  expect(await response.text()).toMatch(text);
}

describe("POST /data-export/v3/get-signed-urls", () => {
  it("answers 200 with the date and one URL per file of the day", async () => {
    const response = await signedUrls({ date: "2024-06-19" });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { date: string; urls: string[] };
    expect(body.date).toBe("2024-06-19");
    expect(body.urls).toHaveLength(2);
    const botId = headers.botId;
    expect(body.urls[1]).toContain(`/production-eu-ultimateai-backend-data-export/files/${botId}/2024-06-19/`);
    expect(body.urls[1]).toContain(
      `conversation_${botId}_20240619_000000000001.json?X-Goog-Algorithm=GOOG4-RSA-SHA256`,
    );
    const query = new URL(body.urls[0] ?? "").searchParams;
    expect(query.get("X-Goog-Date")).toBe("20240620T090000Z");
    expect(query.get("X-Goog-Expires")).toBe("86400");
    expect(query.get("X-Goog-SignedHeaders")).toBe("host");
    expect(query.get("X-Goog-Signature")).toMatch(/^[0-9a-f]{64}$/);
  });

  it("takes ttl in minutes and caps it at seven days", async () => {
    const short = (await (await signedUrls({ date: "2024-06-19", ttl: 10 })).json()) as { urls: string[] };
    expect(new URL(short.urls[0] ?? "").searchParams.get("X-Goog-Expires")).toBe("600");
    const long = (await (await signedUrls({ date: "2024-06-19", ttl: 100_000 })).json()) as { urls: string[] };
    expect(new URL(long.urls[0] ?? "").searchParams.get("X-Goog-Expires")).toBe("604800");
  });

  it("matches header names case-insensitively on the wire", async () => {
    const raw = { Authorization: emulator.apiKey, ORGANIZATIONID: emulator.organizationId, BotId: headers.botId ?? "" };
    const status = await new Promise<number>((resolve, reject) => {
      const request = httpRequest(
        `${emulator.url}/data-export/v3/get-signed-urls`,
        { method: "POST", headers: raw },
        (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        },
      );
      request.on("error", reject);
      request.end(JSON.stringify({ date: "2024-06-19" }));
    });
    expect(status).toBe(200);
    const logged = emulator.requests.at(-1);
    expect(logged?.headers.organizationid).toBe(emulator.organizationId);
  });

  it("answers 401 Unauthorized for a missing, wrong or Bearer key and a wrong organization", async () => {
    const { authorization: _, ...withoutKey } = headers;
    await expectPlain(await signedUrls({ date: "2024-06-19" }, withoutKey), 401, /^Unauthorized$/);
    await expectPlain(
      await signedUrls({ date: "2024-06-19" }, { ...headers, authorization: "nope" }),
      401,
      "Unauthorized",
    );
    const bearer = { ...headers, authorization: `Bearer ${emulator.apiKey}` };
    await expectPlain(await signedUrls({ date: "2024-06-19" }, bearer), 401, "Unauthorized");
    const otherOrganization = { ...headers, organizationId: "000000000000000000000000" };
    await expectPlain(await signedUrls({ date: "2024-06-19" }, otherOrganization), 401, "Unauthorized");
  });

  it("answers 400 for a missing botId, body or malformed date and ttl", async () => {
    const { botId: _, ...withoutBot } = headers;
    await expectPlain(await signedUrls({ date: "2024-06-19" }, withoutBot), 400, /botId/);
    await expectPlain(await signedUrls(""), 400, /JSON/);
    await expectPlain(await signedUrls("{date:"), 400, /JSON/);
    await expectPlain(await signedUrls({}), 400, /date/);
    for (const date of ["2024-6-19", "19.06.2024", "2024-02-30", "2024-06-19T00:00:00Z"]) {
      await expectPlain(await signedUrls({ date }), 400, /date/);
    }
    await expectPlain(await signedUrls({ date: "2024-06-19", ttl: 1.5 }), 400, /ttl/);
    await expectPlain(await signedUrls({ date: "2024-06-19", ttl: "10" }), 400, /ttl/);
  });

  it("answers 400 before 2024-01-01, for today and for the future", async () => {
    await expectPlain(await signedUrls({ date: "2023-12-31" }), 400, /2024-01-01/);
    await expectPlain(await signedUrls({ date: "2024-06-20" }), 400, /before today/);
    await expectPlain(await signedUrls({ date: "2024-07-01" }), 400, /before today/);
    expect((await signedUrls({ date: "2024-01-01" })).status).toBe(200);
  });

  it("answers 404 for an unknown bot and for days before the bot existed", async () => {
    await expectPlain(
      await signedUrls({ date: "2024-06-19" }, { ...headers, botId: "ffffffffffffffffffffffff" }),
      404,
      /bot/,
    );
    const young = emulator.bots.find((bot) => bot.createdOn > "2024-01-02");
    if (!young) throw new Error("expected a bot created after 2024-01-02");
    const youngHeaders = { ...headers, botId: young.id };
    await expectPlain(await signedUrls({ date: "2024-01-02" }, youngHeaders), 404, /no export/);
    expect((await signedUrls({ date: young.createdOn }, youngHeaders)).status).toBe(200);
  });

  it("answers 404 on unknown paths and methods", async () => {
    expect((await fetch(`${emulator.url}/data-export/v4/get-signed-urls`, { method: "POST" })).status).toBe(404);
    expect((await fetch(`${emulator.url}/data-export/v3/get-signed-urls`)).status).toBe(404);
  });
});

describe("POST /data-export/v2/get-signed-urls (legacy)", () => {
  it("serves the last 30 days only, from the legacy bucket", async () => {
    const response = await signedUrls({ date: "2024-05-21" }, headers, "v2");
    expect(response.status).toBe(200);
    const body = (await response.json()) as { urls: string[] };
    expect(body.urls[0]).toContain("/production-eu-ultimateai-backend-data-export-legacy/files/");
    await expectPlain(await signedUrls({ date: "2024-05-20" }, headers, "v2"), 400, /30 days/);
    await expectPlain(await signedUrls({ date: "2024-06-20" }, headers, "v2"), 400, /before today/);
  });
});

describe("configurable authorization", () => {
  it("accepts Bearer keys when refuseBearer is off", async () => {
    await using lenient = await createUltimateEmulator({ seed: 7, now, refuseBearer: false, apiKey: "secret" });
    const response = await fetch(`${lenient.url}/data-export/v3/get-signed-urls`, {
      method: "POST",
      headers: {
        authorization: "Bearer secret",
        organizationid: lenient.organizationId,
        botid: lenient.bots[0]?.id ?? "",
      },
      body: JSON.stringify({ date: "2024-06-19" }),
    });
    expect(response.status).toBe(200);
  });
});
