import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CcaiEmulator, createCcaiEmulator } from "./index.ts";

let emulator: CcaiEmulator;
let listUrl: string;

beforeAll(async () => {
  emulator = await createCcaiEmulator({
    conversations: 5,
    clock: "frozen",
    project: "my-project",
    strictProject: true,
    tokens: ["good", "read-only"],
    deniedTokens: ["read-only"],
  });
  listUrl = `${emulator.url}/v1/${emulator.parent}/conversations`;
});
afterAll(() => emulator.close());

async function errorOf(response: Response) {
  return ((await response.json()) as { error: { code: number; status: string; message: string } }).error;
}

describe("authentication and errors", () => {
  it("answers 401 UNAUTHENTICATED in Google's envelope without a token", async () => {
    const response = await fetch(listUrl);
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toContain("Bearer");
    const error = await errorOf(response);
    expect(error).toMatchObject({ code: 401, status: "UNAUTHENTICATED" });
    expect(error.message).toContain("missing required authentication credential");
  });

  it("answers 401 for an unknown token or another scheme", async () => {
    for (const authorization of ["Bearer bad", "Basic Z29vZA==", "Bearer"]) {
      const response = await fetch(listUrl, { headers: { authorization } });
      expect(response.status).toBe(401);
      expect((await errorOf(response)).message).toContain("invalid authentication credentials");
    }
  });

  it("answers 403 PERMISSION_DENIED for a denied token and for another project", async () => {
    const denied = await fetch(listUrl, { headers: { authorization: "Bearer read-only" } });
    expect(denied.status).toBe(403);
    const error = await errorOf(denied);
    expect(error).toMatchObject({ code: 403, status: "PERMISSION_DENIED" });
    expect(error.message).toContain("contactcenterinsights.conversations.list");
    const other = await fetch(`${emulator.url}/v1/projects/other-project/locations/us-central1/conversations`, {
      headers: { authorization: "Bearer good" },
    });
    expect(other.status).toBe(403);
  });

  it("accepts a good token in the header or as access_token", async () => {
    expect((await fetch(listUrl, { headers: { authorization: "Bearer good" } })).status).toBe(200);
    expect((await fetch(`${listUrl}?access_token=good`)).status).toBe(200);
  });

  it("injects 429, 503 and 500 for the next requests, then recovers", async () => {
    const headers = { authorization: "Bearer good" };
    emulator.injectFault("UNAVAILABLE", 2);
    emulator.injectFault("RESOURCE_EXHAUSTED");
    emulator.injectFault("INTERNAL");
    const statuses: [number, string][] = [];
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const response = await fetch(listUrl, { headers });
      statuses.push([response.status, response.ok ? "OK" : (await errorOf(response)).status]);
    }
    expect(statuses).toEqual([
      [503, "UNAVAILABLE"],
      [503, "UNAVAILABLE"],
      [429, "RESOURCE_EXHAUSTED"],
      [500, "INTERNAL"],
      [200, "OK"],
    ]);
  });

  it("answers 404 for unknown paths and 501 for methods that are not emulated, and logs requests", async () => {
    const headers = { authorization: "Bearer good" };
    const unknown = await fetch(`${emulator.url}/v1/${emulator.parent}/widgets`, { headers });
    expect(unknown.status).toBe(404);
    const create = await fetch(listUrl, { method: "POST", headers, body: "{}" });
    expect(create.status).toBe(501);
    expect((await errorOf(create)).status).toBe("UNIMPLEMENTED");
    const last = emulator.requests().at(-1);
    expect(last).toMatchObject({ method: "POST", path: `/v1/${emulator.parent}/conversations`, status: 501 });
    expect(last?.authorization).toBe("Bearer good");
  });
});
