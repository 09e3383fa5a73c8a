import { type JsonValue, redact } from "@parley/core";
import type { SyncResult } from "../engine/sync-engine.ts";

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

/** The end-of-run table: per stream records, rejects, duration and state before and after. */
export function formatSummary(results: readonly SyncResult[]): string {
  const rows: string[][] = [["source/stream", "table", "records", "rejects", "seconds", "state before", "state after"]];
  for (const result of results) {
    for (const stream of result.streams) {
      rows.push([
        `${result.sourceName}/${stream.stream}`,
        stream.table,
        stream.records.toLocaleString("en-US"),
        String(stream.rejects),
        (stream.durationMs / 1000).toFixed(1),
        shortState(stream.stateBefore),
        shortState(stream.stateAfter),
      ]);
    }
  }
  const rejects = results.reduce(
    (sum, result) => sum + result.streams.reduce((inner, stream) => inner + stream.rejects, 0),
    0,
  );
  const failed = results.filter((result) => result.status !== "succeeded");
  const footer = [
    `${results.length - failed.length} of ${results.length} source(s) succeeded; ${rejects} record(s) rejected${rejects > 0 ? " (see the _parley_rejects table for reasons)" : ""}.`,
    ...failed.map(
      (result) =>
        `${result.status === "interrupted" ? "INTERRUPTED" : "FAILED"} ${result.sourceName} (load ${result.loadId}): ${redact(result.error instanceof Error ? result.error.message : String(result.error))}`,
    ),
  ];
  return `${table(rows)}\n\n${footer.join("\n")}`;
}
