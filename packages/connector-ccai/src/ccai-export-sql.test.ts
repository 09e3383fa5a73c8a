import { describe, expect, test } from "vitest";
import { buildCcaiMergeSql, exportColumns, watermarkTime } from "./ccai-export-sql.ts";

describe("incremental export SQL", () => {
  test("MERGE de-duplicates staging and replaces rows whose update time differs", () => {
    const sql = buildCcaiMergeSql(
      { projectId: "wh", dataset: "cx", table: "ccai_export" },
      { projectId: "wh", dataset: "cx", table: "ccai_export_staging" },
      ["conversationName", "conversationUpdateTimestampUtc", "turnCount"],
    );
    expect(sql).toBe(
      [
        "MERGE INTO `wh.cx.ccai_export` AS target",
        "USING (",
        "  SELECT * FROM `wh.cx.ccai_export_staging`",
        "  WHERE TRUE",
        "  QUALIFY ROW_NUMBER() OVER (PARTITION BY `conversationName` ORDER BY `conversationUpdateTimestampUtc` DESC) = 1",
        ") AS staged",
        "ON target.`conversationName` = staged.`conversationName`",
        "WHEN MATCHED AND target.`conversationUpdateTimestampUtc` IS DISTINCT FROM staged.`conversationUpdateTimestampUtc` THEN",
        "  UPDATE SET `conversationName` = staged.`conversationName`, `conversationUpdateTimestampUtc` = staged.`conversationUpdateTimestampUtc`, `turnCount` = staged.`turnCount`",
        "WHEN NOT MATCHED THEN",
        "  INSERT (`conversationName`, `conversationUpdateTimestampUtc`, `turnCount`)",
        "  VALUES (staged.`conversationName`, staged.`conversationUpdateTimestampUtc`, staged.`turnCount`)",
      ].join("\n"),
    );
  });

  test("columns follow the schema version; V3 cannot be merged", () => {
    expect(exportColumns("EXPORT_V4")).toHaveLength(31);
    expect(exportColumns("EXPORT_V4")).not.toContain("agentId");
    expect(exportColumns("EXPORT_V6").slice(-2)).toEqual(["startTimestamp", "feedbackLabels"]);
    expect(() => exportColumns("EXPORT_V3")).toThrow(/EXPORT_V4 or later/);
    expect(() =>
      buildCcaiMergeSql(
        { projectId: "a", dataset: "b", table: "c`; DROP" },
        { projectId: "a", dataset: "b", table: "d" },
        [],
      ),
    ).toThrow();
  });

  test("the watermark is an RFC 3339 second", () => {
    expect(watermarkTime(1_714_730_710)).toBe("2024-05-03T10:05:10Z");
  });
});
