import { describe, expect, test } from "vitest";
import {
  ElementSplitter,
  type ElementSplitterOptions,
  type FileElement,
  rawRecordTexts,
} from "./json-element-splitter.ts";

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

// Both ways of holding the bytes: copies in blocks of the splitter's own, and views of the chunks pushed.
const modes = [{ viewsOfChunks: false }, { viewsOfChunks: true }] as const;

function splitInChunks(bytes: Buffer, size: number, options: ElementSplitterOptions = {}): FileElement[] {
  const splitter = new ElementSplitter(options);
  const out: FileElement[] = [];
  for (let start = 0; start < bytes.length; start += size)
    out.push(...splitter.push(bytes.subarray(start, start + size)));
  out.push(...splitter.finish());
  return out;
}

describe.each(modes)("ElementSplitter (viewsOfChunks: $viewsOfChunks)", (mode) => {
  for (const [name, text] of Object.entries(formats)) {
    test(`${name}: the same elements whatever the chunk size (1 byte to whole file)`, () => {
      const bytes = Buffer.from(text);
      for (const size of [1, 2, 3, 7, 64, bytes.length]) {
        const elements = splitInChunks(bytes, size, mode);
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

    test(`${name}: once finished, \`committed\` is the file's length`, () => {
      const bytes = Buffer.from(text);
      for (const size of [1, 7, bytes.length]) {
        const splitter = new ElementSplitter(mode);
        for (let start = 0; start < bytes.length; start += size)
          splitter.pushRecords(bytes.subarray(start, start + size));
        splitter.finishRecords();
        expect(splitter.committed, `chunk ${size}`).toBe(bytes.length);
      }
    });

    test(`${name}: a cut at any byte, rewound and resumed from \`committed\`, gives each element exactly once`, () => {
      const bytes = Buffer.from(text);
      for (let cut = 0; cut <= bytes.length; cut++) {
        const splitter = new ElementSplitter(mode);
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
    for (const text of ["", "  \n", "[]", "[\n]\n"]) expect(splitInChunks(Buffer.from(text), 2, mode)).toEqual([]);
  });

  test("a broken NDJSON line is one element on its own; the lines around it are intact", () => {
    const elements = splitInChunks(Buffer.from('{"id":"a"}\n{"id": broken\n{"id":"c"}\n'), 4, mode);
    expect(elements.map((element) => element.text)).toEqual(['{"id":"a"}', '{"id": broken', '{"id":"c"}']);
  });

  test("an array cut short ends with an incomplete element; scalars in an array are elements too", () => {
    const elements = splitInChunks(Buffer.from('[{"id":"a"}, 42, "text", {"id":"b", "x": [1,'), 3, mode);
    expect(elements).toEqual([
      { text: '{"id":"a"}', complete: true },
      { text: "42", complete: true },
      { text: '"text"', complete: true },
      { text: '{"id":"b", "x": [1,', complete: false },
    ]);
  });

  test("strings next to commas and colons: elements of their own at the array's level, parts of one inside an element", () => {
    const elements = ["a", "b,", { k: "v", "l:": ["w", "x"], m: { n: "o" } }, "c:", ":", ",", "d"];
    const bytes = Buffer.from(JSON.stringify(elements));
    for (const size of [1, 2, 3, 5, 8, bytes.length]) {
      const split = splitInChunks(bytes, size, mode);
      expect(
        split.map((element) => JSON.parse(element.text)),
        `chunk ${size}`,
      ).toEqual(elements);
    }
  });

  test("text after the array is not lost: it comes out as an incomplete element", () => {
    const elements = splitInChunks(Buffer.from('[{"id":"a"}]\ntrailing words\n'), 5, mode);
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

describe.each(modes)("ElementSplitter.pushRecords (viewsOfChunks: $viewsOfChunks)", (mode) => {
  const many = Array.from({ length: 40_000 }, (_, index) => ({
    id: index,
    text: `record ${index} with "quotes", \\ and ] } , in it`.repeat(1 + (index % 7)),
  }));
  const layouts = { array: JSON.stringify(many), ndjson: many.map((record) => JSON.stringify(record)).join("\n") };

  for (const [layout, text] of Object.entries(layouts)) {
    test(`${layout}: records handed out keep their bytes while more chunks (several MiB) arrive, in lists or one by one`, () => {
      const bytes = Buffer.from(text);
      expect(bytes.length).toBeGreaterThan(8 * 1024 * 1024);
      const splitter = new ElementSplitter(mode);
      const handedOut: { bytes: Uint8Array; spans: Uint32Array }[] = [];
      const take = (pieces: ReturnType<ElementSplitter["pushRecords"]>) => {
        for (const piece of pieces) {
          expect(piece.kind).toBe("records");
          if (piece.kind === "records")
            handedOut.push({ bytes: piece.records.bytes, spans: piece.records.spans as Uint32Array });
        }
      };
      // Chunks of uneven sizes, some pushed as a list at once.
      let at = 0;
      for (let round = 0; at < bytes.length; round++) {
        const sizes = [65_536, 1_000, 300_001, 7][round % 4] as number;
        const list = Array.from({ length: 1 + (round % 3) }, () => {
          const chunk = bytes.subarray(at, at + sizes);
          at += chunk.length;
          return chunk;
        });
        take(splitter.pushRecords(round % 2 === 0 ? list : (list[0] ?? Buffer.alloc(0))));
        if (round % 2 === 1) for (const chunk of list.slice(1)) take(splitter.pushRecords(chunk));
      }
      take(splitter.finishRecords());
      const texts = handedOut.flatMap(({ bytes: run, spans }) =>
        Array.from({ length: spans.length / 2 }, (_, index) =>
          Buffer.from(run.buffer, run.byteOffset, run.byteLength).toString(
            "utf8",
            spans[index * 2],
            spans[index * 2 + 1],
          ),
        ),
      );
      expect(texts.length).toBe(many.length);
      expect(texts.map((record) => JSON.parse(record))).toEqual(many);
    });
  }

  test("text after the array that starts with a quote is a broken element, not dropped", () => {
    const splitter = new ElementSplitter(mode);
    const pieces = [...splitter.pushRecords(Buffer.from('[{"id":"a"}]\n"stray" text\n')), ...splitter.finishRecords()];
    expect(pieces.map((piece) => piece.kind)).toEqual(["records", "broken"]);
    expect(pieces[1]).toEqual({ kind: "broken", text: '"stray" text' });
  });
});

describe("ElementSplitter's memory", () => {
  const many = Array.from({ length: 2_000 }, (_, index) => ({
    id: index,
    text: `record ${index}`.repeat(1 + (index % 7)),
  }));
  const held = (pieces: ReturnType<ElementSplitter["pushRecords"]>) =>
    pieces.flatMap((piece) => (piece.kind === "records" ? [piece.records.bytes] : []));

  test("copying (the default), a small body (a page) holds on to about its own size, not to a block of MiB", () => {
    const page = Buffer.from(JSON.stringify(many.slice(0, 100)));
    const splitter = new ElementSplitter();
    const buffers = new Set<ArrayBufferLike>();
    for (let at = 0; at < page.length; at += 1024)
      for (const bytes of held(splitter.pushRecords(page.subarray(at, at + 1024)))) buffers.add(bytes.buffer);
    const heldBytes = [...buffers].reduce((sum, buffer) => sum + buffer.byteLength, 0);
    expect(heldBytes).toBeLessThanOrEqual(3 * page.length);
  });

  for (const [layout, text] of Object.entries({
    array: JSON.stringify(many),
    ndjson: many.map((record) => JSON.stringify(record)).join("\n"),
  }))
    test(`${layout}, viewsOfChunks: records are views of the chunks pushed; only those cut between two chunks are copied`, () => {
      const file = Buffer.from(text);
      const chunks: Buffer[] = [];
      // Chunks of their own memory, as a socket's reads are, some starting at an odd offset.
      for (let at = 0; at < file.length; at += 4093) {
        const memory = Buffer.allocUnsafeSlow(4093 + 3);
        const chunk = memory.subarray(at % 3, (at % 3) + Math.min(4093, file.length - at));
        file.copy(chunk, 0, at);
        chunks.push(chunk);
      }
      const splitter = new ElementSplitter({ viewsOfChunks: true });
      const pieces = [...splitter.pushRecords(chunks.slice(0, 3))];
      for (const chunk of chunks.slice(3)) pieces.push(...splitter.pushRecords(chunk));
      pieces.push(...splitter.finishRecords());
      const ownMemory = new Set(chunks.map((chunk) => chunk.buffer));
      let copied = 0;
      let records = 0;
      for (const piece of pieces) {
        if (piece.kind !== "records") throw new Error(`unexpected ${piece.kind} piece`);
        records += piece.records.count;
        if (!ownMemory.has(piece.records.bytes.buffer)) copied += piece.records.count;
      }
      expect(records).toBe(many.length);
      // At most the one record cut at each chunk's end.
      expect(copied).toBeGreaterThan(0);
      expect(copied).toBeLessThanOrEqual(chunks.length);
      expect(
        pieces
          .flatMap((piece) => (piece.kind === "records" ? rawRecordTexts(piece.records) : []))
          .map((record) => JSON.parse(record)),
      ).toEqual(many);
    });
});

describe.each(modes)("ElementSplitter on strings full of escapes (viewsOfChunks: $viewsOfChunks)", (mode) => {
  test("random texts of quotes, backslashes and brackets, in random chunk sizes, give every element once", () => {
    let seed = 7;
    const random = (below: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed % below;
    };
    const alphabet = ['"', "\\", "}", "]", "{", "[", ",", "a", "bb", "é", "\n", " ", "\\\\", '\\"'];
    const records = Array.from({ length: 400 }, (_, id) => ({
      id,
      text: Array.from({ length: random(40) }, () => alphabet[random(alphabet.length)]).join(""),
      list: [Array.from({ length: random(9) }, () => alphabet[random(alphabet.length)]).join("")],
    }));
    const bytes = Buffer.from(JSON.stringify(records));
    for (let round = 0; round < 20; round++) {
      const splitter = new ElementSplitter(mode);
      const out: FileElement[] = [];
      for (let at = 0; at < bytes.length; ) {
        const size = 1 + random(round < 10 ? 16 : 4096);
        out.push(...splitter.push(bytes.subarray(at, at + size)));
        at += size;
      }
      out.push(...splitter.finish());
      expect(out.map((element) => JSON.parse(element.text))).toEqual(records);
    }
  });
});
