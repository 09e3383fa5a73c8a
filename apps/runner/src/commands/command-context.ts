import { createLogger, type Logger, type Sink } from "@parley/core";
import { loadConfig, type RunnerConfig } from "../config/load-config.ts";
import type { LiveRegion } from "../output/live-region.ts";
import type { Registry } from "../registry.ts";

/** What every command gets: where to write, the environment, and the plugins the program adds. */
export interface CommandContext {
  /**
   * Plugins the program adds (tests, programs with plugins of their own), taking precedence over installed ones.
   * Installed plugins are imported only when needed: those a config names (`openConfig`), or all of them for a
   * command that lists them (`everyPlugin`).
   */
  readonly registry: Registry;
  readonly stdout: NodeJS.WriteStream;
  readonly stderr: NodeJS.WriteStream;
  /** Lines for stderr go through here, so a live progress display never draws over them. */
  readonly terminal: LiveRegion;
  readonly environment: NodeJS.ProcessEnv;
  readonly logFormat: "text" | "json";
  readonly signal: AbortSignal;
}

export interface GlobalOptions {
  readonly config: string;
}

export function loggerFor(context: CommandContext): Logger {
  return createLogger({ format: context.logFormat, write: (line) => context.terminal.print(line) });
}

export async function openConfig(context: CommandContext, options: GlobalOptions): Promise<RunnerConfig> {
  return loadConfig(options.config, context.registry, context.environment);
}

export function openSink(config: RunnerConfig): Sink {
  return config.sink.factory.create(config.sink.config);
}
