import { expect, test } from "vitest";
import { MainThreadTurns } from "./main-thread-turns.ts";

const busy = (ms: number) => {
  const until = performance.now() + ms;
  while (performance.now() < until);
};

test("a loop that gives its turns lets I/O callbacks run while it works; awaiting alone (microtasks) would not", async () => {
  const turns = new MainThreadTurns(2);
  let callbacks = 0;
  const timer = setInterval(() => {
    callbacks += 1;
  }, 0);
  try {
    for (let step = 0; step < 30; step += 1) {
      busy(1);
      if (turns.due()) await turns.give();
    }
    const whileGiving = callbacks;
    for (let step = 0; step < 30; step += 1) {
      busy(1);
      await Promise.resolve();
    }
    expect(whileGiving).toBeGreaterThanOrEqual(5);
    expect(callbacks - whileGiving).toBeLessThanOrEqual(1);
  } finally {
    clearInterval(timer);
  }
});

test("due() says so only after the slice has passed", () => {
  const turns = new MainThreadTurns(50);
  expect(turns.due()).toBe(false);
  busy(55);
  expect(turns.due()).toBe(true);
});
