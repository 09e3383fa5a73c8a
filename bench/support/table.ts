import type { ProcessFigures } from "./measure.ts";

/** One measured run: what loaded, how long the whole process took, and its peak memory. */
export interface BenchRow {
  readonly work: string;
  readonly variant: string;
  readonly records: number;
  readonly megabytes: number;
  readonly figures: Pick<ProcessFigures, "seconds" | "cpuSeconds" | "peakRssMb">;
  /** The limit this row is compared with (measured in the same run); absent for the limit itself. */
  readonly limit?: Pick<ProcessFigures, "seconds">;
}

const headers = ["work", "variant", "records", "wall s", "CPU s", "records/s", "MB/s", "% of limit", "peak RSS MB"];

function cells(row: BenchRow): string[] {
  const { seconds, cpuSeconds, peakRssMb } = row.figures;
  return [
    row.work,
    row.variant,
    row.records.toLocaleString("en-US"),
    seconds.toFixed(1),
    Number.isFinite(cpuSeconds) ? cpuSeconds.toFixed(1) : "n/a",
    Math.round(row.records / seconds).toLocaleString("en-US"),
    (row.megabytes / seconds).toFixed(0),
    row.limit === undefined ? "100 (limit)" : ((100 * row.limit.seconds) / seconds).toFixed(0),
    Number.isFinite(peakRssMb) ? peakRssMb.toFixed(0) : "n/a",
  ];
}

/** Prints rows as an aligned Markdown table, so a run's output can be pasted into a note as it is. */
export function printTable(title: string, rows: readonly BenchRow[]): void {
  const lines = [headers, ...rows.map(cells)];
  const widths = headers.map((_, column) => Math.max(...lines.map((line) => (line[column] ?? "").length)));
  const format = (line: readonly string[]) =>
    `| ${line.map((cell, column) => (column < 2 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0))).join(" | ")} |`;
  console.log(`\n${title}`);
  console.log(format(lines[0] as string[]));
  console.log(
    `|${widths.map((width, column) => (column < 2 ? `${"-".repeat(width + 1)}-` : `${"-".repeat(width + 1)}:`)).join("|")}|`,
  );
  for (const line of lines.slice(1)) console.log(format(line));
}

/** Prints one row as soon as it is measured, so a long run shows progress. */
export function printProgress(row: BenchRow): void {
  console.log(`  ${cells(row).join(" | ")}`);
}

/** True when BENCH_QUICK is set: small inputs, for a smoke run of every benchmark. */
export const quick =
  process.env.BENCH_QUICK !== undefined && process.env.BENCH_QUICK !== "" && process.env.BENCH_QUICK !== "0";

/** Sizes from an environment variable (comma-separated numbers), else the quick or full defaults. */
export function sizes(variable: string, full: readonly number[], small: readonly number[]): number[] {
  const given = process.env[variable];
  if (given !== undefined && given !== "") return given.split(",").map(Number);
  return [...(quick ? small : full)];
}
