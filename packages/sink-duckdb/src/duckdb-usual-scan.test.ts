import type { ColumnDefinition, RecordMapping } from "@parley/core";
import { describe, expect, test } from "vitest";
import { createUsualFormScanner } from "./duckdb-usual-scan.ts";

// Keys that share a prefix or a length: a key guessed from the previous record's order must match exactly.
const mapping: RecordMapping = {
  fields: [
    { column: "id", from: ["id"], reading: "text" },
    { column: "idx", from: ["idx"], reading: "text" },
    { column: "i", from: ["i"], reading: "count" },
    { column: "ab", from: ["ab"], reading: "text" },
    { column: "ac", from: ["ac"], reading: "text" },
  ],
};
const columns: ColumnDefinition[] = [
  { name: "id", type: "string" },
  { name: "idx", type: "string" },
  { name: "i", type: "integer" },
  { name: "ab", type: "string" },
  { name: "ac", type: "string" },
];

/** Records, whether each is usual, and its key when it is. */
const records: readonly [string, string | undefined][] = [
  ['{"id":"1","idx":"a","i":"1","ab":"x","ac":"y"}', "1"],
  ['{"idx":"a","id":"2"}', "2"],
  ['{"id":"3","ac":"y","ab":"x"}', "3"],
  ['{"id":"4","ad":"y"}', undefined],
  ['{"id":"5","ix":"a"}', undefined],
  ['{"id":"6","id":"6"}', undefined],
  ['{"i":"7","id":"7","idx":"z"}', "7"],
  ['{"id":"8","i\\u0064x":"a"}', undefined],
  ['{"id":"9","idx" :"a","i":"9"}', "9"],
  ['{"id":"10","idxx":"a"}', undefined],
  ['{"id":"11","ab":"x","a":"y"}', undefined],
  ['{"id":"12","ab\\"":"x"}', undefined],
];

describe("the usual-form scanner", () => {
  test("tells each record's form and key whatever order its keys and the records before it came in", () => {
    const verdict = ([text, key]: (typeof records)[number]) => `${key ?? "unusual"} ${text}`;
    const orders = [
      records,
      [...records].reverse(),
      records.flatMap((record) => [record, record]),
      records.flatMap((record, index) => [record, records[(index * 5) % records.length] as (typeof records)[number]]),
    ];
    for (const order of orders) {
      const scanner = createUsualFormScanner(mapping, columns, ["id"]);
      const scanned = order.map(([text]) => {
        const bytes = Buffer.from(text);
        return `${scanner.usual(bytes, 0, bytes.length) ? String(scanner.key({}).id) : "unusual"} ${text}`;
      });
      expect(scanned).toEqual(order.map(verdict));
    }
  });

  test("tells a record's form the same whichever buffer was scanned before it (one cursor serves them all)", () => {
    // Where the first buffer's escapes lay must not be taken for the next buffer's.
    const before = '{"id":"1","ab":"\\"","ac":"a long text with no escape after the first one"}';
    const after = '{"id":"2","ac":"a text as long as the first record\'s","ab":"an escaped \\" quote"}';
    const verdicts = (texts: readonly string[]) => {
      const scanner = createUsualFormScanner(mapping, columns, ["id"]);
      return texts.map((text) => {
        const bytes = Buffer.from(text);
        return scanner.usual(bytes, 0, bytes.length) ? String(scanner.key({}).id) : "unusual";
      });
    };
    expect(verdicts([after])).toEqual(["2"]);
    expect(verdicts([before, after])).toEqual(["1", "2"]);
  });
});
