import { describe, expect, test } from "vitest";
import { CsvParser, type CsvRecord, csvLine } from "./voicegain-csv-parser.ts";

function parseInChunks(text: string, size: number): CsvRecord[] {
  const parser = new CsvParser();
  const records: CsvRecord[] = [];
  for (let start = 0; start < text.length; start += size) records.push(...parser.push(text.slice(start, start + size)));
  records.push(...parser.end());
  return records;
}

const body = [
  "callId,notes,tags,markers",
  '14603,"Caller asked about a refund, twice.\r\nAgent said ""no"".\nThen yes.",C_Member|V_Verified,"201897,CC_AGENT_ANSWER,null|179162,CC_ANSWER,null"',
  '14604,,"",plain',
  "",
  '14605,"ends with a quote """,x,"a,b"',
].join("\r\n");

const expected = [
  ["callId", "notes", "tags", "markers"],
  [
    "14603",
    'Caller asked about a refund, twice.\r\nAgent said "no".\nThen yes.',
    "C_Member|V_Verified",
    "201897,CC_AGENT_ANSWER,null|179162,CC_ANSWER,null",
  ],
  ["14604", "", "", "plain"],
  ["14605", 'ends with a quote "', "x", "a,b"],
].map((fields) => ({ fields }));

describe("CsvParser", () => {
  test("reads quoted commas, CRLF and LF inside quotes, doubled quotes, empty fields; skips blank lines", () => {
    expect(parseInChunks(body, body.length)).toEqual(expected);
  });

  test("gives the same records whatever the chunk boundaries (every split point, and one character at a time)", () => {
    for (let size = 1; size <= 40; size++) expect(parseInChunks(body, size), `chunks of ${size}`).toEqual(expected);
    for (let split = 0; split <= body.length; split++) {
      const parser = new CsvParser();
      const records = [...parser.push(body.slice(0, split)), ...parser.push(body.slice(split)), ...parser.end()];
      expect(records, `split at ${split}`).toEqual(expected);
    }
  });

  test("a trailing line end, LF-only files, and a trailing empty field", () => {
    expect(parseInChunks("a,b\n1,\n", 3)).toEqual([{ fields: ["a", "b"] }, { fields: ["1", ""] }]);
    expect(parseInChunks("a,b\r\n1,2\r\n", 1)).toEqual([{ fields: ["a", "b"] }, { fields: ["1", "2"] }]);
  });

  test("an unterminated quote at the end of the body becomes a broken record with its text", () => {
    const records = parseInChunks('a,b\r\n1,"never closed, \r\nstill open', 4);
    expect(records[0]).toEqual({ fields: ["a", "b"] });
    expect(records[1]).toMatchObject({
      broken: '1,"never closed, \r\nstill open',
      reason: expect.stringMatching(/never closed/),
    });
    expect(records).toHaveLength(2);
  });

  test("text after a closing quote breaks only that line", () => {
    expect(parseInChunks('a,b\n"x"y,1\n2,3\n', 2)).toEqual([
      { fields: ["a", "b"] },
      { broken: '"x"y,1', reason: "text after a closing quote" },
      { fields: ["2", "3"] },
    ]);
  });

  test("csvLine quotes what needs quoting, so a line parses back to its fields", () => {
    const fields = ['say "hi"', "a,b", "line\nbreak", "plain", ""];
    expect(parseInChunks(csvLine(fields), 5)).toEqual([{ fields }]);
  });
});
