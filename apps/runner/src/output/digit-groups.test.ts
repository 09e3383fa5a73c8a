import { expect, test } from "vitest";
import { groupDigits } from "./digit-groups.ts";

test("whole numbers are grouped by thousands exactly as en-US writes them", () => {
  for (const count of [0, 7, 999, 1000, 12_345, 999_999, 1_000_000, 1_234_567_890, -1234, 2 ** 53 - 1])
    expect(groupDigits(count), String(count)).toBe(count.toLocaleString("en-US"));
});
