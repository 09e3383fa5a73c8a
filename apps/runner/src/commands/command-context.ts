import { createLogger, type Logger, type Sink } from "@parley/core";
import { loadConfig, type RunnerConfig } from "../config/load-config.ts";
import type { Registry } from "../registry.ts";

/** What every command gets: where to write, the environment, and the plugin registry. */
export interface CommandContext {
  readonly registry: Registry;
  readonly stdout: NodeJS.WriteStream;
  readonly stderr: NodeJS.WriteStream;
  readonly environment: NodeJS.ProcessEnv;
  readonly logFormat: "text" | "json";
  readonly signal: AbortSignal;
}

export interface GlobalOptions {
  readonly config: string;
}

export function loggerFor(context: CommandContext): Logger {
  return createLogger({ format: context.logFormat, write: (line) => context.stderr.write(`${line}\n`) });
}

export async function openConfig(context: CommandContext, options: GlobalOptions): Promise<RunnerConfig> {
  return loadConfig(options.config, context.registry, context.environment);
}

export function openSink(config: RunnerConfig): Sink {
  return config.sink.factory.create(config.sink.config);
}

/** Renders rows as an aligned text table (for `parley query` and `state show`). */
export function renderRows(rows: readonly Record<string, unknown>[]): string {
  if (rows.length === 0) return "(no rows)";
  const columns = Object.keys(rows[0] as object);
  const cell = (value: unknown): string =>
    value === null || value === undefined
      ? "NULL"
      : typeof value === "object"
        ? JSON.stringify(value)
        : typeof value === "number" && !Number.isInteger(value)
          ? value.toFixed(4)
          : String(value);
  const grid = [columns, ...rows.map((row) => columns.map((column) => cell(row[column])))];
  const widths = columns.map((_column, index) =>
    Math.min(60, Math.max(...grid.map((line) => (line[index] ?? "").length))),
  );
  return grid
    .map((line) =>
      line
        .map((text, index) => (text.length > 60 ? `${text.slice(0, 57)}...` : text).padEnd(widths[index] ?? 0))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}
