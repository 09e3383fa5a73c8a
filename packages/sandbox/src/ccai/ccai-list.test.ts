import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CcaiEmulator, createCcaiEmulator, formatTimestamp } from "./index.ts";

const headers = { authorization: "Bearer test-token" };
let emulator: CcaiEmulator;

interface Page {
  conversations?: { name: string; createTime: string; transcript?: unknown; turnCount?: number; duration?: string }[];
  nextPageToken?: string;
}

async function list(query: Record<string, string>, parent = emulator.parent) {
  const response = await fetch(`${emulator.url}/v1/${parent}/conversations?${new URLSearchParams(query)}`, { headers });
  return {
    status: response.status,
    body: (await response.json()) as Page & { error?: { status: string; message: string } },
  };
}

async function listAll(query: Record<string, string>): Promise<{ names: string[]; pages: Page[] }> {
  const pages: Page[] = [];
  let token = "";
  do {
    const { status, body } = await list({ ...query, ...(token ? { pageToken: token } : {}) });
    expect(status).toBe(200);
    pages.push(body);
    token = body.nextPageToken ?? "";
  } while (token);
  return { names: pages.flatMap((page) => (page.conversations ?? []).map((item) => item.name)), pages };
}

beforeAll(async () => {
  emulator = await createCcaiEmulator({ seed: 3, conversations: 1050, clock: "frozen" });
});
afterAll(() => emulator.close());

const idOf = (name: string) => name.split("/").at(-1);

describe("ListConversations", () => {
  it("defaults to BASIC without transcript; FULL adds it", async () => {
    const basic = await list({ pageSize: "5" });
    expect(basic.body.conversations).toHaveLength(5);
    expect(basic.body.conversations?.every((item) => item.transcript === undefined)).toBe(true);
    const full = await list({ pageSize: "5", view: "FULL" });
    expect(full.body.conversations?.every((item) => item.transcript !== undefined)).toBe(true);
    const expected = emulator.encodedConversation(idOf(full.body.conversations?.[0]?.name ?? "") ?? "");
    expect(full.body.conversations?.[0]).toEqual(expected);
  });

  it("pages to the end with pageSize 1, 2 and 1000, newest first, token absent on the last page", async () => {
    const expected = [...emulator.conversations()]
      .sort((left, right) => right.createTimeMicros - left.createTimeMicros)
      .map((record) => `${emulator.parent}/conversations/${record.id}`);
    const small = emulator
      .conversations()
      .slice(0, 7)
      .map((record) => record.id);
    const seventh = formatTimestamp(emulator.conversations()[6]?.createTimeMicros ?? 0);
    for (const pageSize of ["1", "2"]) {
      const { names, pages } = await listAll({ pageSize, filter: `create_time<="${seventh}"` });
      expect(names.map(idOf)).toEqual([...small].reverse());
      expect(pages).toHaveLength(pageSize === "1" ? 7 : 4);
      expect(pages.at(-1)).not.toHaveProperty("nextPageToken");
    }
    const { names, pages } = await listAll({ pageSize: "1000" });
    expect(pages).toHaveLength(2);
    expect(pages[0]?.conversations).toHaveLength(1000);
    expect(names).toEqual(expected);
    expect(pages.at(-1)).not.toHaveProperty("nextPageToken");
  });

  it("uses 100 for a zero or missing pageSize and clamps above 1000", async () => {
    expect((await list({})).body.conversations).toHaveLength(100);
    expect((await list({ pageSize: "0" })).body.conversations).toHaveLength(100);
    expect((await list({ pageSize: "5000" })).body.conversations).toHaveLength(1000);
  });

  it("rejects negative and non-integer pageSize", async () => {
    for (const pageSize of ["-1", "abc", "1.5"]) {
      const { status, body } = await list({ pageSize });
      expect(status).toBe(400);
      expect(body.error?.status).toBe("INVALID_ARGUMENT");
    }
  });

  it("binds the page token to filter, orderBy and view and rejects garbage", async () => {
    const first = await list({ pageSize: "2", filter: 'medium="CHAT"' });
    const token = first.body.nextPageToken ?? "";
    expect(token).not.toBe("");
    expect((await list({ pageSize: "2", filter: 'medium="CHAT"', pageToken: token })).status).toBe(200);
    expect((await list({ pageSize: "7", filter: 'medium="CHAT"', pageToken: token })).status).toBe(200);
    for (const changed of [
      { filter: 'medium="PHONE_CALL"' },
      { filter: 'medium="CHAT"', orderBy: "turn_count" },
      { filter: 'medium="CHAT"', view: "FULL" },
    ]) {
      const { status, body } = await list({ pageSize: "2", pageToken: token, ...changed });
      expect(status).toBe(400);
      expect(body.error?.message).toMatch(/page token/i);
    }
    for (const garbage of ["garbage", `${token}x`, "e30.AAAAAAAAAAAAAAAA"]) {
      expect((await list({ pageToken: garbage })).body.error?.status).toBe("INVALID_ARGUMENT");
    }
  });

  it("keeps pages stable while data is unchanged and after a touch", async () => {
    const first = await listAll({ pageSize: "300", filter: 'medium="CHAT"' });
    emulator.touch(idOf(first.names[5] ?? "") ?? "");
    const again = await listAll({ pageSize: "300", filter: 'medium="CHAT"' });
    expect(again.names).toEqual(first.names);
  });

  it("orders by the documented fields, ascending without a suffix", async () => {
    const turns = await list({ pageSize: "1000", orderBy: "turn_count" });
    const values = turns.body.conversations?.map((item) => item.turnCount ?? 0) ?? [];
    expect(values).toEqual([...values].sort((left, right) => left - right));
    expect(values[0]).toBe(0);
    const durations = (await list({ pageSize: "1000", orderBy: "duration desc" })).body.conversations ?? [];
    const seconds = durations.map((item) => Number.parseFloat(item.duration ?? "0"));
    expect(seconds).toEqual([...seconds].sort((left, right) => right - left));
    const ascending = (await list({ pageSize: "3", orderBy: "create_time asc" })).body.conversations ?? [];
    expect(ascending.map((item) => idOf(item.name))).toEqual(
      emulator
        .conversations()
        .slice(0, 3)
        .map((record) => record.id),
    );
  });

  it("refuses update_time and unknown orderBy fields", async () => {
    for (const orderBy of [
      "update_time",
      "update_time desc",
      "agent_id",
      "turn_count sideways",
      "turn_count,duration",
    ]) {
      const { status, body } = await list({ orderBy });
      expect(status).toBe(400);
      expect(body.error?.message).toContain("order_by");
    }
  });

  it("rejects an unknown view and unknown query parameters, accepts snake_case names", async () => {
    expect((await list({ view: "EVERYTHING" })).status).toBe(400);
    const unknown = await list({ page_sise: "3" });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error?.message).toContain("page_sise");
    expect((await list({ page_size: "3" })).body.conversations).toHaveLength(3);
  });
});

describe("GetConversation and analyses", () => {
  it("returns FULL by default and BASIC on request; 404 for an unknown id", async () => {
    const record = emulator.conversations().find((item) => item.analyses.length === 2);
    const base = `${emulator.url}/v1/${emulator.parent}/conversations/${record?.id}`;
    const full = await (await fetch(base, { headers })).json();
    expect(full).toEqual(emulator.encodedConversation(record?.id ?? ""));
    expect(full).toHaveProperty("transcript");
    expect(await (await fetch(`${base}?view=BASIC`, { headers })).json()).not.toHaveProperty("transcript");
    const missing = await fetch(`${emulator.url}/v1/${emulator.parent}/conversations/nope`, { headers });
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { status: string } }).error.status).toBe("NOT_FOUND");
  });

  it("lists analyses oldest first with paging and gets one by name", async () => {
    const record = emulator.conversations().find((item) => item.analyses.length === 2);
    const base = `${emulator.url}/v1/${emulator.parent}/conversations/${record?.id}/analyses`;
    const first = (await (await fetch(`${base}?pageSize=1`, { headers })).json()) as {
      analyses: { name: string }[];
      nextPageToken: string;
    };
    expect(first.analyses[0]?.name).toBe(
      `${emulator.parent}/conversations/${record?.id}/analyses/${record?.analyses[0]?.id}`,
    );
    const second = (await (
      await fetch(`${base}?pageSize=1&pageToken=${first.nextPageToken}`, { headers })
    ).json()) as object;
    expect(second).not.toHaveProperty("nextPageToken");
    const one = await fetch(`${emulator.url}/v1/${first.analyses[0]?.name}`, { headers });
    expect(await one.json()).toEqual(first.analyses[0]);
    const unanalysed = emulator.conversations().find((item) => item.analyses.length === 0);
    const none = await fetch(`${emulator.url}/v1/${emulator.parent}/conversations/${unanalysed?.id}/analyses`, {
      headers,
    });
    expect(await none.json()).toEqual({});
  });
});
