import type { ColumnDefinition } from "@parley/core";
import { describe, expect, test } from "vitest";
import { eventTimeScope, mergeStatement, transaction } from "./bigquery-statements.ts";
import { quoteString } from "./bigquery-types.ts";

const endedAt: ColumnDefinition = { name: "ended_at", type: "timestamp" };
const columns: ColumnDefinition[] = [
  { name: "bot_id", type: "string" },
  { name: "id", type: "string" },
  endedAt,
  { name: "select", type: "string" },
];

describe("MERGE text", () => {
  test("is keyed on the primary key, deduplicated to the last record, and scoped to the batch's days", () => {
    const scope = eventTimeScope(
      endedAt,
      [{ ended_at: "2024-05-03T23:59:59Z" }, { ended_at: "2024-05-01T00:00:00+02:00" }],
      "target",
    );
    expect(
      mergeStatement({ table: "`p.d.calls`", staging: "`p.d.stage`", columns, primaryKey: ["bot_id", "id"], scope }),
    ).toBe(
      [
        "MERGE `p.d.calls` AS target",
        "USING (SELECT `bot_id`, `id`, `ended_at`, `select`, `_parley_load_id`, `_parley_loaded_at` FROM `p.d.stage` WHERE TRUE QUALIFY ROW_NUMBER() OVER (PARTITION BY `bot_id`, `id` ORDER BY `_parley_seq` DESC) = 1) AS source",
        "ON target.`bot_id` = source.`bot_id` AND target.`id` = source.`id` AND target.`ended_at` >= TIMESTAMP '2024-04-30 00:00:00+00' AND target.`ended_at` < TIMESTAMP '2024-05-04 00:00:00+00'",
        "WHEN MATCHED THEN UPDATE SET `ended_at` = source.`ended_at`, `select` = source.`select`, `_parley_load_id` = source.`_parley_load_id`, `_parley_loaded_at` = source.`_parley_loaded_at`",
        "WHEN NOT MATCHED THEN INSERT (`bot_id`, `id`, `ended_at`, `select`, `_parley_load_id`, `_parley_loaded_at`) VALUES (source.`bot_id`, source.`id`, source.`ended_at`, source.`select`, source.`_parley_load_id`, source.`_parley_loaded_at`)",
      ].join("\n"),
    );
  });

  test("the partition scope covers the NULL partition when some event times are missing, and date columns by day", () => {
    expect(eventTimeScope(endedAt, [{ ended_at: null }, { ended_at: "2024-05-03T10:00:00Z" }], "t")).toBe(
      "((t.`ended_at` >= TIMESTAMP '2024-05-03 00:00:00+00' AND t.`ended_at` < TIMESTAMP '2024-05-04 00:00:00+00') OR (t.`ended_at` IS NULL))",
    );
    expect(eventTimeScope(endedAt, [{ ended_at: null }], "t")).toBe("t.`ended_at` IS NULL");
    expect(eventTimeScope({ name: "day", type: "date" }, [{ day: "2024-02-29" }, { day: "2024-01-31" }], "t")).toBe(
      "t.`day` BETWEEN DATE '2024-01-31' AND DATE '2024-02-29'",
    );
  });

  test("without a scope the MERGE matches on the key alone", () => {
    const text = mergeStatement({
      table: "`t`",
      staging: "`s`",
      columns: [{ name: "id", type: "string" }],
      primaryKey: ["id"],
      scope: undefined,
    });
    expect(text).toContain(
      "ON target.`id` = source.`id`\nWHEN MATCHED THEN UPDATE SET `_parley_load_id` = source.`_parley_load_id`",
    );
    expect(text).not.toContain("TIMESTAMP");
  });

  test("scripts wrap statements in one transaction, and string literals escape quotes, backslashes and newlines", () => {
    expect(transaction(["DELETE FROM `t` WHERE TRUE"])).toBe(
      "BEGIN TRANSACTION;\nDELETE FROM `t` WHERE TRUE;\nCOMMIT TRANSACTION;",
    );
    expect(quoteString('it\'s a \\ "q"\nline')).toBe("'it\\'s a \\\\ \"q\"\\nline'");
  });
});
