import type { ColumnDefinition } from "@parley/core";
import { describe, expect, test } from "vitest";
import { eventTimeScope } from "./bigquery-merge-scope.ts";

const endedAt: ColumnDefinition = { name: "ended_at", type: "timestamp" };

describe("merge scope", () => {
  test("covers the batch's days of the event-time column, in UTC", () => {
    expect(
      eventTimeScope(
        endedAt,
        [{ ended_at: "2024-05-03T23:59:59Z" }, { ended_at: "2024-05-01T00:00:00+02:00" }],
        "target",
      ),
    ).toBe(
      "target.`ended_at` >= TIMESTAMP '2024-04-30 00:00:00+00' AND target.`ended_at` < TIMESTAMP '2024-05-04 00:00:00+00'",
    );
  });

  test("covers the NULL partition when some event times are missing, and date columns by day", () => {
    expect(eventTimeScope(endedAt, [{ ended_at: null }, { ended_at: "2024-05-03T10:00:00Z" }], "t")).toBe(
      "((t.`ended_at` >= TIMESTAMP '2024-05-03 00:00:00+00' AND t.`ended_at` < TIMESTAMP '2024-05-04 00:00:00+00') OR (t.`ended_at` IS NULL))",
    );
    expect(eventTimeScope(endedAt, [{ ended_at: null }], "t")).toBe("t.`ended_at` IS NULL");
    expect(eventTimeScope({ name: "day", type: "date" }, [{ day: "2024-02-29" }, { day: "2024-01-31" }], "t")).toBe(
      "t.`day` BETWEEN DATE '2024-01-31' AND DATE '2024-02-29'",
    );
  });
});
