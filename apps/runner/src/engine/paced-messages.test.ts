import { spawnSync } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { expect, test } from "vitest";
import { pacedMessages } from "./paced-messages.ts";

async function* source(pauses: readonly number[]): AsyncGenerator<number> {
  for (const [index, pause] of pauses.entries()) {
    if (pause > 0) await sleep(pause);
    yield index;
  }
}

async function collect(pauses: readonly number[], tickMs: number, signal = new AbortController().signal) {
  const seen: string[] = [];
  for await (const paced of pacedMessages(source(pauses), tickMs, signal))
    seen.push(paced.kind === "tick" ? "tick" : `message ${paced.value}`);
  return seen;
}

test("messages that keep coming pass through without ticks; a quiet source yields a tick every tickMs until it speaks", async () => {
  expect(await collect([0, 0, 0, 5, 0], 1_000)).toEqual([
    "message 0",
    "message 1",
    "message 2",
    "message 3",
    "message 4",
  ]);
  const seen = await collect([0, 700, 0], 100);
  expect(seen[0]).toBe("message 0");
  expect(seen.filter((kind) => kind === "tick").length).toBeGreaterThanOrEqual(2);
  expect(seen.slice(-2)).toEqual(["message 1", "message 2"]);
  // The quiet time counts from each wait's start: a source quiet just under tickMs between messages never ticks.
  expect(await collect([0, 60, 60, 60, 60], 1_000)).not.toContain("tick");
});

test("an abort ends the wait at once with its reason, even while the source is quiet", async () => {
  const controller = new AbortController();
  setTimeout(() => controller.abort(new Error("stopped")), 50);
  const started = Date.now();
  await expect(collect([0, 5_000], 10_000, controller.signal)).rejects.toThrow("stopped");
  expect(Date.now() - started).toBeLessThan(4_000);
});

test("a message is not kept alive once it was handed on (a long read must not hold every record it read)", () => {
  // In a process of its own with --expose-gc: 150 messages of 1 MB each pass through; then, still reading, a full
  // collection, and the finalizers tell how many are no longer held. Kept alive, they would be 150 MB.
  const module = fileURLToPath(new URL("./paced-messages.ts", import.meta.url));
  const script = `
    const { pacedMessages } = await import(${JSON.stringify(module)});
    let collected = 0;
    const registry = new FinalizationRegistry(() => { collected += 1; });
    async function* source() {
      for (let index = 0; ; index++) {
        const message = { bytes: Buffer.alloc(1 << 20) };
        registry.register(message, index);
        yield message;
      }
    }
    const controller = new AbortController();
    let seen = 0;
    for await (const paced of pacedMessages(source(), 1_000, controller.signal)) {
      if (paced.kind === "message" && ++seen === 150) break;
    }
    void controller;
    for (let round = 0; round < 5; round++) { globalThis.gc(); await new Promise((resolve) => setTimeout(resolve, 10)); }
    process.stdout.write(String(collected));
  `;
  const run = spawnSync(process.execPath, ["--expose-gc", "--input-type=module", "-e", script], { encoding: "utf8" });
  expect(run.stderr).toBe("");
  expect(Number(run.stdout)).toBeGreaterThanOrEqual(145);
});

test("a reader that stops early ends the source's read: the source's cleanup runs, also after an abort mid-wait", async () => {
  const cleaned: string[] = [];
  let cleanedUp: () => void = () => undefined;
  const cleanup = new Promise<void>((resolve) => {
    cleanedUp = resolve;
  });
  async function* holding(name: string, pauseMs: number): AsyncGenerator<number> {
    try {
      for (let index = 0; ; index += 1) {
        if (pauseMs > 0) await sleep(pauseMs);
        yield index;
      }
    } finally {
      cleaned.push(name);
      if (cleaned.length === 2) cleanedUp();
    }
  }
  for await (const paced of pacedMessages(holding("stopped at a message", 0), 1_000, new AbortController().signal))
    if (paced.kind === "message" && paced.value === 2) break;
  expect(cleaned).toEqual(["stopped at a message"]);

  const controller = new AbortController();
  setTimeout(() => controller.abort(new Error("stopped")), 20);
  await expect(
    (async () => {
      for await (const _ of pacedMessages(holding("aborted while reading", 200), 1_000, controller.signal));
    })(),
  ).rejects.toThrow("stopped");
  // The source was mid-read when the abort came: its read ends once that message is in (or the test times out).
  await cleanup;
  expect(cleaned).toEqual(["stopped at a message", "aborted while reading"]);
});
