import { describe, expect, test } from "vitest";
import { backoffDelay, defaultRetryOptions, type RetryDecision, type RetryOptions, retrying } from "./retry.ts";

const fast = { initialDelayMs: 2, maxDelayMs: 8 };

describe("retrying", () => {
  test("retries what retryOn accepts, reports each wait, and returns the first success", async () => {
    const waits: string[] = [];
    let calls = 0;
    const result = await retrying(
      async (attempt) => {
        calls += 1;
        if (attempt < 3) throw new Error(`blip ${attempt}`);
        return "done";
      },
      {
        policy: fast,
        retryOn: (error) => ({ reason: `retrying after ${(error as Error).message}` }),
        onWait: (_milliseconds, reason) => waits.push(reason),
      },
    );
    expect(result).toBe("done");
    expect(calls).toBe(3);
    expect(waits).toEqual(["retrying after blip 1", "retrying after blip 2"]);
  });

  const finalCases: [string, Partial<RetryOptions>, () => RetryDecision | undefined, number][] = [
    ["a final failure", { maxAttempts: 5 }, () => undefined, 1],
    ["attempts used up", { maxAttempts: 3 }, () => ({ reason: "again" }), 3],
    ["a Retry-After past the limit", { maxRetryAfterMs: 10 }, () => ({ reason: "later", retryAfterMs: 60_000 }), 1],
  ];
  test.each(finalCases)("gives up on %s with giveUp's error", async (_case, policy, retryOn, attempts) => {
    let calls = 0;
    const failing = retrying(
      async () => {
        calls += 1;
        throw new Error("no");
      },
      { policy: { ...fast, ...policy }, retryOn, giveUp: (_error, attempt) => new Error(`gave up after ${attempt}`) },
    );
    await expect(failing).rejects.toThrow(`gave up after ${attempts}`);
    expect(calls).toBe(attempts);
  });

  test("an aborted signal ends the loop at once", async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(
      retrying(
        async () => {
          throw new Error("aborted meanwhile");
        },
        { signal: controller.signal, retryOn: () => ({ reason: "again" }) },
      ),
    ).rejects.toThrow("aborted meanwhile");
  });
});

describe("backoffDelay", () => {
  test("grows exponentially between half and all of its ceiling, capped; a server's Retry-After wins", () => {
    expect(backoffDelay(defaultRetryOptions, 1, undefined, () => 0)).toBe(250);
    expect(backoffDelay(defaultRetryOptions, 1, undefined, () => 1)).toBe(500);
    expect(backoffDelay(defaultRetryOptions, 3, undefined, () => 1)).toBe(2000);
    expect(backoffDelay(defaultRetryOptions, 20, undefined, () => 1)).toBe(30_000);
    expect(backoffDelay(defaultRetryOptions, 1, 7000, () => 0)).toBe(7000);
  });
});
