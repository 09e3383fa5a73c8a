import type { JsonValue, RejectedRecord, TableTarget, ValidatedRow } from "@parley/core";

/**
 * What the engine holds for one stream between flushes. `coveredRows` is how many of `rows` the last
 * checkpoint covers: rows past it may only be written without state, and only where re-reading them is
 * harmless (merge, replace).
 */
export class StreamBuffer {
  readonly target: TableTarget;
  rows: ValidatedRow[] = [];
  rejects: RejectedRecord[] = [];
  checkpoint: { readonly state: JsonValue; readonly coveredRows: number } | undefined;
  /** The newest state of the stream, flushed or not; reported in the summary once stored. */
  storedState: JsonValue | null;
  recordCount = 0;
  rejectCount = 0;
  lastFlushAt: number;

  constructor(target: TableTarget, stateBefore: JsonValue | null, now: number) {
    this.target = target;
    this.storedState = stateBefore;
    this.lastFlushAt = now;
  }

  get rereadIsHarmless(): boolean {
    return this.target.stream.writeDisposition !== "append";
  }

  /** Takes what can be written now: everything (merge/replace), or only checkpoint-covered rows (append). */
  take(all: boolean): { rows: ValidatedRow[]; rejects: RejectedRecord[]; state: JsonValue | undefined } {
    const checkpoint = this.checkpoint;
    const upTo = all || this.rereadIsHarmless ? this.rows.length : (checkpoint?.coveredRows ?? 0);
    const rows = upTo === this.rows.length ? this.rows : this.rows.slice(0, upTo);
    this.rows = upTo === this.rows.length ? [] : this.rows.slice(upTo);
    const rejects = this.rejects;
    this.rejects = [];
    this.checkpoint =
      checkpoint !== undefined && checkpoint.coveredRows > upTo
        ? { state: checkpoint.state, coveredRows: checkpoint.coveredRows - upTo }
        : undefined;
    return {
      rows,
      rejects,
      state: checkpoint !== undefined && checkpoint.coveredRows <= upTo ? checkpoint.state : undefined,
    };
  }
}
