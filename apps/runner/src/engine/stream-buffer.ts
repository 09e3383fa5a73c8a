import type {
  JsonValue,
  RawRecordPart,
  RecordContext,
  RejectedRecord,
  TableTarget,
  ValidatedRow,
  WriteDisposition,
} from "@parley/core";
import type { FlushDecision, FlushMoment, StreamSituation } from "./flush-decision.ts";

/** A record as the vendor sent it, buffered for a sink that maps raw records itself (its bulk path). */
export class RawRecord {
  readonly text: string;
  readonly context: RecordContext;
  constructor(text: string, context: RecordContext) {
    this.text = text;
    this.context = context;
  }
}

export type BufferedRow = ValidatedRow | RawRecord;

/** Raw records grouped into parts of consecutive records sharing a context (one file or page). */
export function rawParts(rows: readonly BufferedRow[]): RawRecordPart[] {
  const parts: { context: RecordContext; texts: string[] }[] = [];
  for (const row of rows) {
    const raw = row as RawRecord;
    const last = parts.at(-1);
    if (last?.context === raw.context) last.texts.push(raw.text);
    else parts.push({ context: raw.context, texts: [raw.text] });
  }
  return parts;
}

/** What the engine holds for one stream between writes; `decideFlush` says what leaves it and when. */
export class StreamBuffer {
  readonly target: TableTarget;
  /** The disposition the connector declared; under full refresh `target` is written as a replace. */
  readonly declared: WriteDisposition;
  readonly fullRefresh: boolean;
  rows: BufferedRow[] = [];
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

  addRow(row: BufferedRow): void {
    this.rows.push(row);
    this.recordCount += 1;
    this.rowsAfterCheckpoint += 1;
  }

  /** Records this load stored in the table: a replace stores nothing unless its swap happened. */
  get storedCount(): number {
    return this.target.stream.writeDisposition === "replace" && !this.completed ? 0 : this.writtenCount;
  }

  addCheckpoint(state: JsonValue): void {
    this.checkpoint = { state, coveredRows: this.rows.length };
    this.rowsAfterCheckpoint = 0;
  }

  situation(moment: FlushMoment, batchRows: number, flushDue: boolean): StreamSituation {
    return {
      disposition: this.declared,
      fullRefresh: this.fullRefresh,
      moment,
      bufferedRows: this.rows.length,
      coveredRows: this.checkpoint?.coveredRows,
      rowsAfterCheckpoint: this.rowsAfterCheckpoint,
      batchRows,
      flushDue,
    };
  }

  /** Removes what the decision writes; a replace keeps its checkpoint for the swap. */
  take(decision: FlushDecision): { rows: BufferedRow[]; rejects: RejectedRecord[]; state: JsonValue | undefined } {
    const count = decision.writeRows;
    const rows = count === this.rows.length ? this.rows : this.rows.slice(0, count);
    this.rows = count === this.rows.length ? [] : this.rows.slice(count);
    const rejects = this.rejects;
    this.rejects = [];
    const checkpoint = this.checkpoint;
    const state = decision.withState ? checkpoint?.state : undefined;
    if (checkpoint !== undefined) {
      if (decision.withState) this.checkpoint = undefined;
      else checkpoint.coveredRows = Math.max(0, checkpoint.coveredRows - count);
    }
    return { rows, rejects, state };
  }
}
