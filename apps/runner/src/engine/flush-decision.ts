import type { WriteDisposition } from "@parley/core";

/**
 * When the engine asks: a record or checkpoint was just buffered, the stream ended, the run is stopping (an
 * interrupt: keep what a checkpoint covers, then stop) or the source failed (the same: keep what is covered).
 */
export type FlushMoment = "record" | "checkpoint" | "end" | "stop" | "fail";

/** One stream's buffer as the decision sees it. */
export interface StreamSituation {
  /** The stream's own disposition; under `fullRefresh` every stream is written as `replace`. */
  readonly disposition: WriteDisposition;
  readonly fullRefresh: boolean;
  readonly moment: FlushMoment;
  readonly bufferedRows: number;
  /** Buffered rows the newest unstored checkpoint covers (a prefix of the buffer); undefined without one. */
  readonly coveredRows: number | undefined;
  /** Rows read after the stream's newest checkpoint (all of them when it had none), written or not. */
  readonly rowsAfterCheckpoint: number;
  /** Rows a batch holds before it is written. */
  readonly batchRows: number;
  /** The flush interval has passed since the stream's last write. */
  readonly flushDue: boolean;
}

/** What happens now. Rows are always a prefix of the buffer; everything after it waits. */
export interface FlushDecision {
  /** How many buffered rows to write now (buffered rejects travel with any write). */
  readonly writeRows: number;
  /** The checkpoint's state is stored in the same transaction as those rows. */
  readonly withState: boolean;
  /** Whether to write at all (also with zero rows: a state-only or rejects-only write). */
  readonly write: boolean;
  /** Complete the stream after the write: for a replace, swap the staged rows in with the held state. */
  readonly complete: boolean;
  /** Refuse the stream: rows past its last checkpoint that could only be stored without state. */
  readonly refuse?: { readonly reason: "uncovered-tail" | "no-checkpoint"; readonly rows: number };
}

const wait: FlushDecision = { writeRows: 0, withState: false, write: false, complete: false };

/** An append stream may buffer this many batches without a checkpoint before the engine refuses it. */
export const appendBufferLimitBatches = 10;

/**
 * The engine's one rule, as a pure function: state is stored only with the rows it covers, and a row is
 * written without state only where reading it again after a crash is harmless.
 * - merge: any row may be written (re-reading upserts it again); state goes with the rows it covers.
 * - append: only rows a checkpoint covers, with that checkpoint's state; a stream that ends with rows after
 *   its last checkpoint is refused (they would be stored without state, read again and doubled next run).
 * - replace (and every stream under full refresh): rows are staged any time; the state is held until the swap
 *   when the stream ends. A stop or failure never swaps.
 */
export function decideFlush(situation: StreamSituation): FlushDecision {
  const { moment, bufferedRows: rows, coveredRows: covered, batchRows, rowsAfterCheckpoint: uncovered } = situation;
  const full = rows >= batchRows;
  const appendOnly = situation.disposition === "append";
  if (situation.fullRefresh || situation.disposition === "replace") {
    switch (moment) {
      case "record":
        return full ? { ...wait, write: true, writeRows: rows } : wait;
      case "checkpoint":
        return full || situation.flushDue ? { ...wait, write: true, writeRows: rows } : wait;
      case "end":
        if (appendOnly && uncovered > 0) return uncoveredTail(uncovered);
        return { ...wait, write: true, writeRows: rows, complete: true };
      case "stop":
      case "fail":
        return wait;
    }
  }
  const coveredWrite: FlushDecision =
    covered === undefined ? wait : { ...wait, write: true, writeRows: covered, withState: true };
  if (situation.disposition === "merge") {
    switch (moment) {
      case "record":
        return full ? { ...wait, write: true, writeRows: rows, withState: covered !== undefined } : wait;
      case "checkpoint":
        return full || situation.flushDue ? coveredWrite : wait;
      case "end":
        return { ...wait, write: true, writeRows: rows, withState: covered !== undefined, complete: true };
      case "stop":
      case "fail":
        return coveredWrite;
    }
  }
  switch (moment) {
    case "record":
      if (full && covered !== undefined) return coveredWrite;
      if (uncovered >= batchRows * appendBufferLimitBatches)
        return { ...wait, refuse: { reason: "no-checkpoint", rows: uncovered } };
      return wait;
    case "checkpoint":
      return full || situation.flushDue ? coveredWrite : wait;
    case "end":
      return uncovered > 0
        ? { ...coveredWrite, refuse: { reason: "uncovered-tail", rows: uncovered } }
        : { ...coveredWrite, write: true, complete: true };
    case "stop":
    case "fail":
      return coveredWrite;
  }
}

function uncoveredTail(rows: number): FlushDecision {
  return { ...wait, refuse: { reason: "uncovered-tail", rows } };
}

/**
 * A bulk batch cut to a whole multiple of the rows its sink stores together (`Sink.batchRowMultiple`) when it would
 * leave a small group, under half a multiple (two of those fit in one group, which the warehouse merges later,
 * rewriting them: DuckDB at its checkpoint); the rest waits for the next batch. Only where writing fewer rows than
 * decided is harmless: merge and replace streams, while reading (a record or checkpoint moment), never at the end,
 * a stop or a failure. The state goes along only if the rows still cover its checkpoint; otherwise it waits too.
 */
export function alignBatch(decision: FlushDecision, situation: StreamSituation, multiple: number): FlushDecision {
  if (!decision.write || decision.complete || !(multiple > 0)) return decision;
  if (situation.moment !== "record" && situation.moment !== "checkpoint") return decision;
  if (situation.disposition === "append" && !situation.fullRefresh) return decision;
  const aligned = Math.floor(decision.writeRows / multiple) * multiple;
  if (aligned === 0 || decision.writeRows - aligned >= multiple / 2) return decision;
  return { ...decision, writeRows: aligned, withState: decision.withState && aligned >= (situation.coveredRows ?? 0) };
}
