import type { ValidatedRow } from "@parley/core";
import { target } from "@parley/core/testing";
import { expect, test } from "vitest";
import { decideFlush } from "./flush-decision.ts";
import { RawChunk, StreamBuffer } from "./stream-buffer.ts";

const limits = { batchRows: 10_000, rawBatchBytes: 1_000, rowBatchBytes: 100_000 };
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

test("a batch of mapped rows ends at rowBatchBytes of rows too, not only at batchRows: large rows make smaller batches", () => {
  const merge = buffer("merge");
  // About 1 KB per row as JSON: 100 KB holds about a hundred of them.
  const row = (index: number) => ({ a: index, text: "x".repeat(1_000) }) as unknown as ValidatedRow;
  let written: number | undefined;
  for (let index = 0; index < 1_000 && written === undefined; index += 1) {
    merge.addRow(row(index));
    const decision = decideFlush(merge.situation("record", limits, false));
    if (decision.write) written = decision.writeRows;
  }
  expect(written).toBeGreaterThan(80);
  expect(written).toBeLessThan(120);
  // Small rows: batchRows still ends the batch.
  const small = buffer("merge");
  for (let index = 0; index < 9_999; index += 1) small.addRow({ a: index } as unknown as ValidatedRow);
  expect(decideFlush(small.situation("record", limits, false)).write).toBe(false);
  small.addRow({ a: 10_000 } as unknown as ValidatedRow);
  expect(decideFlush(small.situation("record", limits, false))).toMatchObject({ write: true, writeRows: 10_000 });
});

test("rows holding integers beyond 2^53 (bigint) are measured like any other row", () => {
  const merge = buffer("merge");
  for (let index = 0; index < 200; index += 1)
    merge.addRow({ a: 2n ** 60n + BigInt(index), text: "x".repeat(1_000) } as unknown as ValidatedRow);
  expect(decideFlush(merge.situation("record", limits, false))).toMatchObject({ write: true });
});
