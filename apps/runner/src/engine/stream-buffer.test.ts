import { target } from "@parley/core/testing";
import { expect, test } from "vitest";
import { decideFlush } from "./flush-decision.ts";
import { RawChunk, StreamBuffer } from "./stream-buffer.ts";

const limits = { batchRows: 10_000, rawBatchBytes: 1_000 };
/** A raw chunk of `count` NDJSON records of 10 bytes each (9 and a line break). */
const chunk = (count: number) =>
  new RawChunk(
    { layout: "ndjson", bytes: Buffer.from('{"a":123}\n'.repeat(count)), count },
    { values: {}, where: "test" },
  );
const buffer = (writeDisposition: "append" | "merge") =>
  new StreamBuffer(
    target({ name: "events", writeDisposition, primaryKey: ["a"], columns: [{ name: "a", type: "integer" }] }),
    writeDisposition,
    false,
    null,
    0,
  );

test("a bulk batch is full when its bytes reach rawBatchBytes, not before", () => {
  const merge = buffer("merge");
  merge.addRow(chunk(60));
  expect(decideFlush(merge.situation("record", limits, false)).write).toBe(false);
  merge.addRow(chunk(40));
  expect(decideFlush(merge.situation("record", limits, false))).toMatchObject({ write: true, writeRows: 100 });
});

test("an append stream of raw records that never checkpoints is refused after ten batches' worth of bytes", () => {
  const append = buffer("append");
  for (let index = 0; index < 9; index += 1) append.addRow(chunk(100));
  expect(decideFlush(append.situation("record", limits, false)).refuse).toBeUndefined();
  append.addRow(chunk(100));
  expect(decideFlush(append.situation("record", limits, false)).refuse).toEqual({
    reason: "no-checkpoint",
    rows: 1_000,
  });
});
