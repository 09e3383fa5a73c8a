import { afterEach, describe, expect, it } from "vitest";
import { type CcaiEmulator, CcaiGenerator, createCcaiEmulator } from "./index.ts";

const headers = { authorization: "Bearer test-token" };
const started: CcaiEmulator[] = [];

afterEach(async () => {
  await Promise.all(started.splice(0).map((emulator) => emulator.close()));
});

async function start(seed: number): Promise<CcaiEmulator> {
  const emulator = await createCcaiEmulator({ seed, conversations: 60, clock: "frozen" });
  started.push(emulator);
  return emulator;
}

async function fullList(emulator: CcaiEmulator, query = ""): Promise<string> {
  const response = await fetch(`${emulator.url}/v1/${emulator.parent}/conversations?pageSize=1000&view=FULL${query}`, {
    headers,
  });
  return response.text();
}

describe("determinism and controls", () => {
  it("serves byte-identical data for the same seed and different data for another", async () => {
    const [first, second, other] = await Promise.all([start(42), start(42), start(43)]);
    const text = await fullList(first);
    expect(await fullList(second)).toBe(text);
    expect(await fullList(other)).not.toBe(text);
  });

  it("makes conversation i independent of how many came before", () => {
    const generator = new CcaiGenerator({ seed: 9 });
    const direct = generator.conversation(25);
    expect(new CcaiGenerator({ seed: 9 }).conversation(25)).toEqual(direct);
    expect(generator.transcript(direct)).toEqual(new CcaiGenerator({ seed: 9 }).transcript(direct));
  });

  it("adds conversations deterministically after the initial ones", async () => {
    const [first, second] = await Promise.all([start(42), start(42)]);
    const added = first.addConversations(3);
    expect(second.addConversations(3)).toEqual(added);
    expect(first.conversations()).toHaveLength(63);
    const newest = (await (
      await fetch(`${first.url}/v1/${first.parent}/conversations?pageSize=1`, { headers })
    ).json()) as {
      conversations: { name: string }[];
    };
    expect(newest.conversations[0]?.name).toBe(`${first.parent}/conversations/${added[2]?.id}`);
  });

  it("touch advances updateTime so an update_time filter sees the change", async () => {
    const emulator = await start(1);
    emulator.clock.set("2030-01-01T00:00:00Z");
    const target = emulator.conversations()[10];
    const before = emulator.encodedConversation(target?.id ?? "");
    emulator.touch(target?.id ?? "");
    const after = emulator.encodedConversation(target?.id ?? "");
    expect(after.updateTime).toBe("2030-01-01T00:00:00Z");
    expect(after.latestAnalysis).toEqual(before.latestAnalysis);
    const changed = await fullList(emulator, `&filter=${encodeURIComponent('update_time>"2029-12-31T00:00:00Z"')}`);
    expect(
      (JSON.parse(changed) as { conversations: { name: string }[] }).conversations.map((item) => item.name),
    ).toEqual([before.name]);
  });

  it("reanalyze adds a new latest analysis with new values", async () => {
    const emulator = await start(1);
    const target = emulator.conversations().find((record) => record.turnCount > 4);
    const before = emulator.encodedConversation(target?.id ?? "");
    emulator.clock.advance(3_600_000);
    const record = emulator.reanalyze(target?.id ?? "");
    const after = emulator.encodedConversation(target?.id ?? "");
    expect(after.latestAnalysis).not.toEqual(before.latestAnalysis);
    expect(Date.parse(String(after.updateTime))).toBeGreaterThan(Date.parse(String(before.updateTime)));
    expect((after.latestAnalysis as { createTime: string }).createTime).toBe(after.updateTime);
    const analyses = (await (await fetch(`${emulator.url}/v1/${String(after.name)}/analyses`, { headers })).json()) as {
      analyses: { name: string }[];
    };
    expect(analyses.analyses).toHaveLength(record.analyses.length);
    expect(analyses.analyses.at(-1)?.name).toBe((after.latestAnalysis as { name: string }).name);
  });
});
