import {
  type JsonValue,
  type RawRecordPart,
  type RawRecords,
  type RecordContext,
  type RejectedRecord,
  splitRawRecords,
  type TableTarget,
  type ValidatedRow,
  type WriteDisposition,
} from "@parley/core";
import { rowJson } from "@parley/core/warehouse";
import type { FlushDecision, FlushMoment, StreamSituation } from "./flush-decision.ts";

/** Records as the vendor sent them (bytes), buffered for a sink that maps raw records itself (its bulk path). */
export class RawChunk implements RawRecordPart {
  readonly records: RawRecords;
  readonly context: RecordContext;
  constructor(records: RawRecords, context: RecordContext) {
    this.records = records;
    this.context = context;
  }
}

export type BufferedRow = ValidatedRow | RawChunk;

const recordsIn = (row: BufferedRow): number => (row instanceof RawChunk ? row.records.count : 1);

/** What the engine holds for one stream between writes; `decideFlush` says what leaves it and when. */
export class StreamBuffer {
  readonly target: TableTarget;
  /** The disposition the connector declared; under full refresh `target` is written as a replace. */
  readonly declared: WriteDisposition;
  readonly fullRefresh: boolean;
  rows: BufferedRow[] = [];
  /** Records in `rows` (a raw chunk holds many), and the bytes of its raw chunks. */
  bufferedRecords = 0;
  bufferedRawBytes = 0;
  #rowsSeen = 0;
  #sampledRows = 0;
  #sampledRowBytes = 0;
  rejects: RejectedRecord[] = [];
  /** The newest checkpoint whose state is not stored yet, and how many buffered rows it covers. */
  checkpoint: { readonly state: JsonValue; coveredRows: number } | undefined;
  rowsAfterCheckpoint = 0;
  /** The newest state of the stream that is stored; reported in the summary. */
  storedState: JsonValue | null;
  /** Records read (less those the sink set aside): the progress figure. */
  recordCount = 0;
  /**
   * Records the sink accepted (for a replace: staged). A stop or failure does not write what its checkpoints do not
   * cover, so this, not `recordCount`, is what the load stored.
   */
  writtenCount = 0;
  /** The stream ended and was completed (for a replace: the staged rows took the table's place). */
  completed = false;
  rejectCount = 0;
  /** Raw records the sink's bulk path mapped in JavaScript (`WriteOutcome.mappedInJavaScript`). */
  mappedInJavaScript = 0;
  lastFlushAt: number;

  constructor(
    target: TableTarget,
    declared: WriteDisposition,
    fullRefresh: boolean,
    stateBefore: JsonValue | null,
    now: number,
  ) {
    this.target = target;
    this.declared = declared;
    this.fullRefresh = fullRefresh;
    this.storedState = stateBefore;
    this.lastFlushAt = now;
  }

  /** Buffers a row or a raw chunk; a stream's buffer holds one kind at a time (the sink takes a batch of one kind). */
  addRow(row: BufferedRow): void {
    const raw = row instanceof RawChunk;
    if (this.rows.length > 0 && this.rows[0] instanceof RawChunk !== raw)
      throw new Error(
        `stream "${this.target.stream.name}" mixed raw and mapped records in one batch; a connector sends one kind per stream (a connector bug)`,
      );
    const count = recordsIn(row);
    this.rows.push(row);
    this.bufferedRecords += count;
    if (raw) this.bufferedRawBytes += row.records.bytes.byteLength;
    else if (this.#rowsSeen++ % rowSampleEvery === 0) {
      this.#sampledRowBytes += rowJson(row).length;
      this.#sampledRows += 1;
    }
    this.recordCount += count;
    this.rowsAfterCheckpoint += count;
  }

  /** Records this load stored in the table: a replace stores nothing unless its swap happened. */
  get storedCount(): number {
    return this.target.stream.writeDisposition === "replace" && !this.completed ? 0 : this.writtenCount;
  }

  addCheckpoint(state: JsonValue): void {
    this.checkpoint = { state, coveredRows: this.bufferedRecords };
    this.rowsAfterCheckpoint = 0;
  }

  /**
   * `batchRows` counts mapped rows; raw chunks are counted in bytes instead (`rawBatchBytes`): a warehouse's own
   * reader pays per statement, so its batches are larger, and bytes bound the memory they take.
   */
  situation(moment: FlushMoment, limits: BatchLimits, flushDue: boolean): StreamSituation {
    const raw = this.rows[0] instanceof RawChunk;
    return {
      disposition: this.declared,
      fullRefresh: this.fullRefresh,
      moment,
      bufferedRows: this.bufferedRecords,
      coveredRows: this.checkpoint?.coveredRows,
      rowsAfterCheckpoint: this.rowsAfterCheckpoint,
      batchRows: raw
        ? this.#rawBatchRecords(limits.rawBatchBytes)
        : Math.min(limits.batchRows, this.#rowBatchRecords(limits.rowBatchBytes)),
      flushDue,
    };
  }

  /**
   * How many records a bulk batch of `rawBatchBytes` holds, at the size the buffered ones have: full exactly when
   * the buffered bytes reach it, and an append stream without checkpoints is refused after as many batches' bytes.
   */
  #rawBatchRecords(rawBatchBytes: number): number {
    if (this.bufferedRawBytes === 0) return Number.MAX_SAFE_INTEGER;
    return Math.ceil((rawBatchBytes * this.bufferedRecords) / this.bufferedRawBytes);
  }

  /**
   * How many mapped rows `rowBatchBytes` holds at the size of the rows seen so far (one in `rowSampleEvery` measured
   * as JSON): a warehouse holds a batch's rows in memory until its transaction commits, and 10,000 CCAI
   * conversations of ~12 KB are ~120 MB of text (DuckDB kept 54 MB of strings for 3,000 of them).
   */
  #rowBatchRecords(rowBatchBytes: number): number {
    if (this.#sampledRows === 0) return Number.MAX_SAFE_INTEGER;
    return Math.max(1, Math.floor((rowBatchBytes * this.#sampledRows) / this.#sampledRowBytes));
  }

  /** Removes what the decision writes; a replace keeps its checkpoint for the swap. */
  take(decision: FlushDecision): {
    rows: BufferedRow[];
    count: number;
    rejects: RejectedRecord[];
    state: JsonValue | undefined;
  } {
    let count = decision.writeRows;
    let items = 0;
    let taken = 0;
    for (; taken < count; items++) taken += recordsIn(this.rows[items] as BufferedRow);
    const last = this.rows[items - 1];
    if (taken > count && last instanceof RawChunk) {
      // A batch cut to a row multiple (`alignBatch`) ends inside a chunk: the chunk is cut there, the rest waits.
      // A chunk without record offsets cannot be cut and goes whole: a few more rows, where that is harmless.
      const halves = splitRawRecords(last.records, last.records.count - (taken - count));
      if (halves === undefined) count = taken;
      else {
        this.rows.splice(items - 1, 1, new RawChunk(halves[0], last.context), new RawChunk(halves[1], last.context));
        // The separator between the halves belongs to neither.
        this.bufferedRawBytes -=
          last.records.bytes.byteLength - halves[0].bytes.byteLength - halves[1].bytes.byteLength;
      }
    }
    const rows = items === this.rows.length ? this.rows : this.rows.slice(0, items);
    const takenRecords = rows.reduce((sum, row) => sum + recordsIn(row), 0);
    if (takenRecords !== count)
      throw new Error(
        `a write of ${count} records would split a buffered row (${takenRecords} records) (a Parley bug)`,
      );
    this.rows = items === this.rows.length ? [] : this.rows.slice(items);
    this.bufferedRecords -= count;
    for (const row of rows) if (row instanceof RawChunk) this.bufferedRawBytes -= row.records.bytes.byteLength;
    const rejects = this.rejects;
    this.rejects = [];
    const checkpoint = this.checkpoint;
    const state = decision.withState ? checkpoint?.state : undefined;
    if (checkpoint !== undefined) {
      if (decision.withState) this.checkpoint = undefined;
      else checkpoint.coveredRows = Math.max(0, checkpoint.coveredRows - count);
    }
    return { rows, count, rejects, state };
  }
}

export interface BatchLimits {
  readonly batchRows: number;
  readonly rawBatchBytes: number;
  /** Mapped rows, measured as JSON, a batch holds at most (besides `batchRows`). */
  readonly rowBatchBytes: number;
}

const rowSampleEvery = 64;
