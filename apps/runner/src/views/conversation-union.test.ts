import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { describe, expect, test } from "vitest";
import { relationsRead, unionStatement } from "./conversation-union.ts";

const folder = resolve(import.meta.dirname, "../../../../sql/conversations");

describe("relationsRead", () => {
  test("the vendor parts read their table, the views they build on and _parley_loads, nothing else", async () => {
    const read = async (file: string) => relationsRead(await readFile(resolve(folder, file), "utf8"));
    expect(await read("02_conversations_ultimate.sql")).toEqual([
      "ultimate_conversations",
      "ultimate_conversation_facts",
      "_parley_loads",
    ]);
    expect(await read("03_conversations_voicegain.bigquery.sql")).toEqual([
      "voicegain_calls",
      "voicegain_call_facts",
      "_parley_loads",
    ]);
  });

  test("a column after FROM (EXTRACT) and names in comments are not relations", () => {
    expect(relationsRead("-- from nowhere\nSELECT EXTRACT(EPOCH FROM t.at) FROM `t_table` AS t")).toEqual(["t_table"]);
  });
});

test("the union selects every column by name from each part", () => {
  expect(unionStatement(["conversations_a", "conversations_b"])).toMatch(
    /^CREATE OR REPLACE VIEW conversations AS\nSELECT \* FROM \(\n {2}SELECT source_type, .*, voicegain_call_id FROM conversations_a\n {2}UNION ALL\n {2}SELECT .* FROM conversations_b\n\) AS vendor_parts$/,
  );
});
