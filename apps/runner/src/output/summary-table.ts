import { type JsonValue, redact } from "@parley/core";
import type { SyncResult } from "../engine/sync-engine.ts";
import { groupDigits } from "./digit-groups.ts";

function shortState(value: JsonValue | null): string {
  if (value === null) return "-";
  const text = JSON.stringify(value);
  return text.length > 48 ? `${text.slice(0, 45)}...` : text;
}

function table(rows: readonly (readonly string[])[]): string {
  const widths = (rows[0] ?? []).map((_cell, column) => Math.max(...rows.map((row) => (row[column] ?? "").length)));
  return rows
    .map((row) =>
      row
        .map((cell, column) =>
          column >= 2 && column <= 4 ? cell.padStart(widths[column] ?? 0) : cell.padEnd(widths[column] ?? 0),
        )
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

/** What a `parley sync` run did with each source it chose. */
export interface RunOutcome {
  readonly results: readonly SyncResult[];
  /** Sources refused because another run held the sink's lock for them, with that run's load. */
  readonly locked: readonly { readonly source: string; readonly loadId: string | undefined }[];
  /** Sources a signal stopped the run before. */
  readonly notStarted: readonly string[];
  /** The signal that stopped the run (`SIGINT`, `SIGTERM`), if one did. */
  readonly stoppedBy: string | undefined;
}

/**
 * The closing line: every chosen source counted, so "exit 3 (or 4) yet every source succeeded" is explained by
 * the sources a lock refused or a signal left unstarted.
 */
export function outcomeLine(outcome: RunOutcome): string {
  const { results, locked, notStarted, stoppedBy } = outcome;
  const total = results.length + locked.length + notStarted.length;
  const succeeded = results.filter((result) => result.status === "succeeded").length;
  const rejects = results.reduce(
    (sum, result) => sum + result.streams.reduce((inner, stream) => inner + stream.rejects, 0),
    0,
  );
  const parts = [`${succeeded} of ${total} source(s) succeeded`];
  if (locked.length > 0)
    parts.push(
      `${locked.length} locked by another run (${locked.map((entry) => `${entry.source}: load ${entry.loadId ?? "unknown"}`).join(", ")})`,
    );
  if (stoppedBy !== undefined)
    parts.push(`stopped by ${stoppedBy}${notStarted.length > 0 ? `: not started: ${notStarted.join(", ")}` : ""}`);
  parts.push(`${rejects} record(s) rejected${rejects > 0 ? " (see the _parley_rejects table for reasons)" : ""}`);
  return `${parts.join("; ")}.`;
}

/** The end-of-run table: per stream records, rejects, duration and state before and after, then the closing line. */
export function formatSummary(outcome: RunOutcome): string {
  const { results } = outcome;
  const rows: string[][] = [["source/stream", "table", "records", "rejects", "seconds", "state before", "state after"]];
  for (const result of results) {
    for (const stream of result.streams) {
      rows.push([
        `${result.sourceName}/${stream.stream}`,
        stream.table,
        groupDigits(stream.records),
        String(stream.rejects),
        (stream.durationMs / 1000).toFixed(1),
        shortState(stream.stateBefore),
        shortState(stream.stateAfter),
      ]);
    }
  }
  const failed = results.filter((result) => result.status !== "succeeded");
  const footer = [
    outcomeLine(outcome),
    ...failed.map(
      (result) =>
        `${result.status === "interrupted" ? "INTERRUPTED" : "FAILED"} ${result.sourceName} (load ${result.loadId}): ${redact(result.error instanceof Error ? result.error.message : String(result.error))}`,
    ),
  ];
  return `${table(rows)}\n\n${footer.join("\n")}`;
}
