import { describe, expect, test } from "vitest";
import { alignBatch, decideFlush, type FlushMoment, type StreamSituation } from "./flush-decision.ts";

type Mode = "merge" | "append" | "replace" | "merge, full refresh" | "append, full refresh";
/** Where the newest unstored checkpoint sits in a buffer of 12 rows: none, after all 12, or after the first 5. */
type Position = "none" | "all" | "prefix";

const positions: Record<Position, Pick<StreamSituation, "coveredRows" | "rowsAfterCheckpoint">> = {
  none: { coveredRows: undefined, rowsAfterCheckpoint: 12 },
  all: { coveredRows: 12, rowsAfterCheckpoint: 0 },
  prefix: { coveredRows: 5, rowsAfterCheckpoint: 7 },
};

function situation(mode: Mode, moment: FlushMoment, position: Position, batch = 10, due = true): StreamSituation {
  return {
    disposition: mode.startsWith("merge") ? "merge" : mode.startsWith("append") ? "append" : "replace",
    fullRefresh: mode.endsWith("full refresh"),
    moment,
    bufferedRows: 12,
    ...positions[position],
    batchRows: batch,
    flushDue: due,
  };
}

/** The decision in short: `wait`, or `write N` [`+state`] [`+complete`], and/or `refuse <reason> N`. */
function brief(decision: ReturnType<typeof decideFlush>): string {
  const parts: string[] = [];
  if (decision.write)
    parts.push(
      `write ${decision.writeRows}${decision.withState ? " +state" : ""}${decision.complete ? " +complete" : ""}`,
    );
  if (decision.refuse !== undefined) parts.push(`refuse ${decision.refuse.reason} ${decision.refuse.rows}`);
  return parts.length === 0 ? "wait" : parts.join(", ");
}

// Every disposition x moment x checkpoint position, with a full buffer (12 rows, batches of 10) and the flush
// interval passed. A checkpoint moment usually has its checkpoint after every buffered row; the engine also asks
// at "checkpoint" when the source is quiet (a timer), where the newest checkpoint may cover a prefix or be absent.
const full: readonly [Mode, FlushMoment, Position, string][] = [
  ["merge", "record", "none", "write 12"],
  ["merge", "record", "all", "write 12 +state"],
  ["merge", "record", "prefix", "write 12 +state"],
  ["merge", "checkpoint", "all", "write 12 +state"],
  ["merge", "checkpoint", "prefix", "write 5 +state"],
  ["merge", "checkpoint", "none", "wait"],
  ["merge", "end", "none", "write 12 +complete"],
  ["merge", "end", "all", "write 12 +state +complete"],
  ["merge", "end", "prefix", "write 12 +state +complete"],
  ["merge", "stop", "none", "wait"],
  ["merge", "stop", "all", "write 12 +state"],
  ["merge", "stop", "prefix", "write 5 +state"],
  ["merge", "fail", "none", "wait"],
  ["merge", "fail", "all", "write 12 +state"],
  ["merge", "fail", "prefix", "write 5 +state"],

  ["append", "record", "none", "wait"],
  ["append", "record", "all", "write 12 +state"],
  ["append", "record", "prefix", "write 5 +state"],
  ["append", "checkpoint", "all", "write 12 +state"],
  ["append", "checkpoint", "prefix", "write 5 +state"],
  ["append", "checkpoint", "none", "wait"],
  ["append", "end", "none", "refuse uncovered-tail 12"],
  ["append", "end", "all", "write 12 +state +complete"],
  ["append", "end", "prefix", "write 5 +state, refuse uncovered-tail 7"],
  ["append", "stop", "none", "wait"],
  ["append", "stop", "all", "write 12 +state"],
  ["append", "stop", "prefix", "write 5 +state"],
  ["append", "fail", "none", "wait"],
  ["append", "fail", "all", "write 12 +state"],
  ["append", "fail", "prefix", "write 5 +state"],

  ["replace", "record", "none", "write 12"],
  ["replace", "record", "all", "write 12"],
  ["replace", "record", "prefix", "write 12"],
  ["replace", "checkpoint", "all", "write 12"],
  ["replace", "checkpoint", "prefix", "write 12"],
  ["replace", "checkpoint", "none", "write 12"],
  ["replace", "end", "none", "write 12 +complete"],
  ["replace", "end", "all", "write 12 +complete"],
  ["replace", "end", "prefix", "write 12 +complete"],
  ["replace", "stop", "none", "wait"],
  ["replace", "stop", "all", "wait"],
  ["replace", "stop", "prefix", "wait"],
  ["replace", "fail", "none", "wait"],
  ["replace", "fail", "all", "wait"],
  ["replace", "fail", "prefix", "wait"],

  ["merge, full refresh", "record", "none", "write 12"],
  ["merge, full refresh", "record", "prefix", "write 12"],
  ["merge, full refresh", "checkpoint", "all", "write 12"],
  ["merge, full refresh", "end", "none", "write 12 +complete"],
  ["merge, full refresh", "end", "prefix", "write 12 +complete"],
  ["merge, full refresh", "stop", "all", "wait"],
  ["merge, full refresh", "fail", "all", "wait"],

  ["append, full refresh", "record", "none", "write 12"],
  ["append, full refresh", "record", "prefix", "write 12"],
  ["append, full refresh", "checkpoint", "all", "write 12"],
  ["append, full refresh", "end", "none", "refuse uncovered-tail 12"],
  ["append, full refresh", "end", "all", "write 12 +complete"],
  ["append, full refresh", "end", "prefix", "refuse uncovered-tail 7"],
  ["append, full refresh", "stop", "all", "wait"],
  ["append, full refresh", "fail", "prefix", "wait"],
];

describe("decideFlush: every disposition x moment x checkpoint position (full buffer, interval passed)", () => {
  test.each(full)("%s, %s, checkpoint %s: %s", (mode, moment, position, expected) => {
    expect(brief(decideFlush(situation(mode, moment, position)))).toBe(expected);
  });
});

// Below a batch and before the interval passes, records and checkpoints only buffer; the end, a stop or a failure
// decide as with a full buffer.
const partial: readonly [Mode, FlushMoment, Position, boolean, string][] = [
  ["merge", "record", "all", false, "wait"],
  ["merge", "checkpoint", "all", false, "wait"],
  ["merge", "checkpoint", "all", true, "write 12 +state"],
  ["append", "record", "prefix", false, "wait"],
  ["append", "checkpoint", "all", false, "wait"],
  ["append", "checkpoint", "all", true, "write 12 +state"],
  ["replace", "record", "all", false, "wait"],
  ["replace", "checkpoint", "all", false, "wait"],
  ["replace", "checkpoint", "all", true, "write 12"],
  ["merge", "end", "prefix", false, "write 12 +state +complete"],
  ["append", "end", "prefix", false, "write 5 +state, refuse uncovered-tail 7"],
  ["append", "stop", "prefix", false, "write 5 +state"],
  ["replace", "end", "all", false, "write 12 +complete"],
];

describe("decideFlush: below a batch (batches of 100)", () => {
  test.each(partial)("%s, %s, checkpoint %s, interval passed %s: %s", (mode, moment, position, due, expected) => {
    expect(brief(decideFlush(situation(mode, moment, position, 100, due)))).toBe(expected);
  });
});

describe("decideFlush: edges", () => {
  const base = situation("append", "record", "none", 10);
  test("an append stream ten batches past its last checkpoint is refused", () => {
    expect(brief(decideFlush({ ...base, bufferedRows: 100, rowsAfterCheckpoint: 100 }))).toBe(
      "refuse no-checkpoint 100",
    );
    expect(brief(decideFlush({ ...base, bufferedRows: 99, rowsAfterCheckpoint: 99 }))).toBe("wait");
  });

  test("a checkpoint over an empty buffer is a state-only write (merge, append); a replace writes only rejects", () => {
    const empty = { bufferedRows: 0, coveredRows: 0, rowsAfterCheckpoint: 0 };
    expect(brief(decideFlush({ ...situation("merge", "checkpoint", "all"), ...empty }))).toBe("write 0 +state");
    expect(brief(decideFlush({ ...situation("append", "checkpoint", "all"), ...empty }))).toBe("write 0 +state");
    expect(brief(decideFlush({ ...situation("replace", "checkpoint", "all"), ...empty }))).toBe("write 0");
  });

  test("an ended stream with nothing buffered still completes (a replace swaps; rejects are written)", () => {
    const empty = { bufferedRows: 0, coveredRows: undefined, rowsAfterCheckpoint: 0 };
    expect(brief(decideFlush({ ...situation("append", "end", "none"), ...empty }))).toBe("write 0 +complete");
    expect(brief(decideFlush({ ...situation("replace", "end", "none"), ...empty }))).toBe("write 0 +complete");
  });

  test("under full refresh, append rows already staged past the last checkpoint still refuse the swap", () => {
    const staged = { bufferedRows: 0, coveredRows: 0, rowsAfterCheckpoint: 3 };
    expect(brief(decideFlush({ ...situation("append, full refresh", "end", "prefix"), ...staged }))).toBe(
      "refuse uncovered-tail 3",
    );
  });
});

describe("a bulk batch cut to whole row groups when it would leave a small one (alignBatch, multiples of 5 over 12 rows)", () => {
  const aligned = (mode: Mode, moment: FlushMoment, position: Position) => {
    const at = situation(mode, moment, position);
    return brief(alignBatch(decideFlush(at), at, 5));
  };
  const cases: readonly [Mode, FlushMoment, Position, string][] = [
    // The rows still cover the checkpoint (5 of 12 covered, 10 written): the state goes along.
    ["merge", "record", "prefix", "write 10 +state"],
    // The cut leaves covered rows behind: the state waits for them.
    ["merge", "record", "all", "write 10"],
    ["merge", "checkpoint", "all", "write 10"],
    ["merge", "checkpoint", "prefix", "write 5 +state"],
    ["replace", "record", "none", "write 10"],
    ["merge, full refresh", "checkpoint", "all", "write 10"],
    // Never where writing less would change what a stop, a failure or the end stores, nor for an append.
    ["merge", "end", "all", "write 12 +state +complete"],
    ["merge", "stop", "all", "write 12 +state"],
    ["merge", "fail", "all", "write 12 +state"],
    ["append", "record", "all", "write 12 +state"],
    ["append", "checkpoint", "all", "write 12 +state"],
  ];
  test.each(cases)("%s at %s, checkpoint %s: %s", (mode, moment, position, expected) => {
    expect(aligned(mode, moment, position)).toBe(expected);
  });
  test("a batch below one multiple, already whole, or leaving half a multiple or more is left as decided", () => {
    const at = situation("merge", "record", "all");
    expect(brief(alignBatch(decideFlush(at), at, 16))).toBe("write 12 +state");
    expect(brief(alignBatch(decideFlush(at), at, 4))).toBe("write 12 +state");
    // 12 = 7 + 5: a leftover of 5 is no small group (two would not fit in one).
    expect(brief(alignBatch(decideFlush(at), at, 7))).toBe("write 12 +state");
  });
});
