import { describe, expect, test } from "vitest";
import { ElementSplitter, type FileElement } from "./json-element-splitter.ts";

const records = [
  { id: "a", text: 'quote " and backslash \\ and } ] { [ , inside', nested: { list: [1, { deep: "x" }] } },
  { id: "b", text: "ünïcödé ✓ 😀", empty: {}, list: [] },
  { id: "c", slash: "ends with backslash \\", n: -1.5e3 },
];
const formats = {
  ndjson: `${records.map((record) => JSON.stringify(record)).join("\n")}\n`,
  "ndjson without final newline, CRLF": records.map((record) => JSON.stringify(record)).join("\r\n"),
  array: JSON.stringify(records),
  "array-pretty": `${JSON.stringify(records, null, 2)}\n`,
  "array with BOM and blank lines": `\uFEFF\n\n[\n${records.map((record) => JSON.stringify(record)).join(",\n\n")}\n]\n`,
};

function splitInChunks(bytes: Buffer, size: number): FileElement[] {
  const splitter = new ElementSplitter();
  const out: FileElement[] = [];
  for (let start = 0; start < bytes.length; start += size)
    out.push(...splitter.push(bytes.subarray(start, start + size)));
  out.push(...splitter.finish());
  return out;
}

describe("ElementSplitter", () => {
  for (const [name, text] of Object.entries(formats)) {
    test(`${name}: the same elements whatever the chunk size (1 byte to whole file)`, () => {
      const bytes = Buffer.from(text);
      for (const size of [1, 2, 3, 7, 64, bytes.length]) {
        const elements = splitInChunks(bytes, size);
        expect(
          elements.every((element) => element.complete),
          `chunk ${size}`,
        ).toBe(true);
        expect(
          elements.map((element) => JSON.parse(element.text)),
          `chunk ${size}`,
        ).toEqual(records);
      }
    });

    test(`${name}: a cut at any byte, rewound and resumed from \`committed\`, gives each element exactly once`, () => {
      const bytes = Buffer.from(text);
      for (let cut = 0; cut <= bytes.length; cut++) {
        const splitter = new ElementSplitter();
        const out = [...splitter.push(bytes.subarray(0, cut))];
        splitter.rewind();
        const resumeAt = splitter.committed;
        expect(resumeAt).toBeLessThanOrEqual(cut);
        out.push(
          ...splitter.push(bytes.subarray(resumeAt, resumeAt + 5)),
          ...splitter.push(bytes.subarray(resumeAt + 5)),
          ...splitter.finish(),
        );
        expect(
          out.map((element) => JSON.parse(element.text)),
          `cut at ${cut}`,
        ).toEqual(records);
      }
    });
  }

  test("empty files give nothing: empty, blank, []", () => {
    for (const text of ["", "  \n", "[]", "[\n]\n"]) expect(splitInChunks(Buffer.from(text), 2)).toEqual([]);
  });

  test("a broken NDJSON line is one element on its own; the lines around it are intact", () => {
    const elements = splitInChunks(Buffer.from('{"id":"a"}\n{"id": broken\n{"id":"c"}\n'), 4);
    expect(elements.map((element) => element.text)).toEqual(['{"id":"a"}', '{"id": broken', '{"id":"c"}']);
  });

  test("an array cut short ends with an incomplete element; scalars in an array are elements too", () => {
    const elements = splitInChunks(Buffer.from('[{"id":"a"}, 42, "text", {"id":"b", "x": [1,'), 3);
    expect(elements).toEqual([
      { text: '{"id":"a"}', complete: true },
      { text: "42", complete: true },
      { text: '"text"', complete: true },
      { text: '{"id":"b", "x": [1,', complete: false },
    ]);
  });

  test("text after the array is not lost: it comes out as an incomplete element", () => {
    const elements = splitInChunks(Buffer.from('[{"id":"a"}]\ntrailing words\n'), 5);
    expect(elements).toEqual([
      { text: '{"id":"a"}', complete: true },
      { text: "trailing words", complete: false },
    ]);
  });
});

describe("ElementSplitter.cutShort", () => {
  const whole = (text: string) => {
    const splitter = new ElementSplitter();
    splitter.push(Buffer.from(text));
    return splitter.cutShort();
  };
  test.each([
    ['[{"a":1},{"a":2}]', undefined],
    ['[{"a":1},{"a":2}]\n', undefined],
    ['{"a":1}\n{"a":2}', undefined],
    ['{"a":1}\n{"a":2}\n', undefined],
    ["", undefined],
    ['[{"a":1},{"a":2}', "the JSON array ends without its closing ] (the file was cut short)"],
    ['[{"a":1},', "the JSON array ends without its closing ] (the file was cut short)"],
    ['[{"a":"cut inside a str', "the JSON array ends without its closing ] (the file was cut short)"],
    ['{"a":1}\n{"a":', "the last line breaks off inside a JSON value (the file was cut short)"],
  ])("%j: %s", (text, problem) => {
    expect(whole(text)).toBe(problem);
  });
});
