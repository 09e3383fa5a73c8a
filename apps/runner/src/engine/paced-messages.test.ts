import { setTimeout as sleep } from "node:timers/promises";
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
