import { ConfigError, LoadInProgressError } from "@parley/core";
import { newLoadId } from "../engine/load-id.ts";
import { runSync, type SyncResult } from "../engine/sync-engine.ts";
import { parleyCommand } from "../output/command-hint.ts";
import { createProgressDisplay } from "../output/progress-display.ts";
import { formatSummary, outcomeLine, type RunOutcome } from "../output/summary-table.ts";
import { type CommandContext, type GlobalOptions, loggerFor, openConfig, openSink } from "./command-context.ts";
import { takeSinkLock } from "./sink-lock.ts";

/** `parley sync` exit codes beyond 0 ok, 1 failed, 2 usage (documented in the README and `parley --help`). */
export const interruptedExitCode = 3;
export const lockedExitCode = 4;

export interface SyncCommandOptions extends GlobalOptions {
  readonly sources: readonly string[];
  readonly fullRefresh: boolean;
  /** Wait for another run holding the sink's lock for a source, instead of exiting with 4. */
  readonly wait: boolean;
}

/**
 * `parley sync`: every enabled (or named) source into the sink, one load each under the sink's lock for that
 * source. Exit code 3 if a signal stopped it, else 1 if a source failed, else 4 if another run held a lock.
 */
export async function syncCommand(context: CommandContext, options: SyncCommandOptions): Promise<number> {
  const config = await openConfig(context, options);
  const unknown = options.sources.filter((name) => !config.sources.some((source) => source.name === name));
  if (unknown.length > 0) {
    throw new ConfigError(
      unknown.map((name) => ({
        path: "--source",
        message: `no source named "${name}" in ${config.path} (configured: ${config.sources.map((source) => source.name).join(", ")})`,
      })),
    );
  }
  const chosen = config.sources.filter((source) =>
    options.sources.length === 0 ? source.enabled : options.sources.includes(source.name),
  );
  const logger = loggerFor(context);
  const sink = openSink(config);
  const results: SyncResult[] = [];
  const locked: RunOutcome["locked"][number][] = [];
  try {
    for (const configured of chosen) {
      if (context.signal.aborted) break;
      const startedAt = new Date();
      const load = { source: configured.name, loadId: newLoadId(startedAt), startedAt: startedAt.toISOString() };
      let lock: Awaited<ReturnType<typeof takeSinkLock>>;
      try {
        lock = await takeSinkLock(sink, load, { wait: options.wait, logger, signal: context.signal });
      } catch (error) {
        if (!LoadInProgressError.isInstance(error)) throw error;
        locked.push({ source: configured.name, loadId: error.loadId });
        logger.error(
          `${error.message} (${parleyCommand(context.environment)} sync -c ${options.config} --wait waits for it)`,
          {
            source: configured.name,
          },
        );
        continue;
      }
      const mode = context.logFormat === "json" ? "json" : context.stderr.isTTY === true ? "tty" : "lines";
      const progress = createProgressDisplay({ source: configured.name, region: context.terminal, logger, mode });
      logger.info(
        `syncing ${configured.name} (${configured.type}) into ${config.sink.type}${options.fullRefresh ? " (full refresh)" : ""}`,
      );
      const result = await runSync({
        loadId: load.loadId,
        startedAt,
        sourceName: configured.name,
        source: configured.factory.create(configured.config),
        sink,
        tablePrefix: configured.tablePrefix,
        pii: { policy: configured.pii, configPath: `sources.${configured.name}.pii` },
        fullRefresh: options.fullRefresh,
        batchRows: config.sync.batchRows,
        flushIntervalMs: config.sync.flushIntervalSeconds * 1000,
        logger: logger.child({ source: configured.name }),
        signal: context.signal,
        onProgress: progress.onProgress,
      }).finally(() => lock.release());
      progress.stop();
      results.push(result);
      // An interrupted run is expected (a scheduler stopped it) and resumes next time: a warning, not an error.
      if (result.status === "failed")
        logger.error(`${configured.name} failed`, { loadId: result.loadId, error: result.error });
      else if (result.status === "interrupted")
        logger.warn(`${configured.name} interrupted`, { loadId: result.loadId, error: result.error });
    }
  } finally {
    await sink.close();
  }
  const done = new Set([...results.map((result) => result.sourceName), ...locked.map((entry) => entry.source)]);
  const outcome: RunOutcome = {
    results,
    locked,
    notStarted: chosen.map((source) => source.name).filter((name) => !done.has(name)),
    stoppedBy: context.signal.aborted ? signalName(context.signal.reason) : undefined,
  };
  if (context.logFormat === "json") {
    for (const result of results) {
      logger.info("summary", {
        source: result.sourceName,
        loadId: result.loadId,
        status: result.status,
        streams: result.streams,
      });
    }
    logger.info("run summary", {
      sources: chosen.length,
      succeeded: results.filter((result) => result.status === "succeeded").length,
      locked: outcome.locked,
      notStarted: outcome.notStarted,
      ...(outcome.stoppedBy === undefined ? {} : { stoppedBy: outcome.stoppedBy }),
      line: outcomeLine(outcome),
    });
  } else {
    context.stdout.write(`${formatSummary(outcome)}\n`);
  }
  if (results.some((result) => result.status === "interrupted") || context.signal.aborted) return interruptedExitCode;
  if (results.some((result) => result.status === "failed")) return 1;
  return locked.length > 0 ? lockedExitCode : 0;
}

/** `SIGINT` from the stop signal's reason (`interrupted by SIGINT`), whatever else aborted it. */
function signalName(reason: unknown): string {
  const message = reason instanceof Error ? reason.message : String(reason);
  return /\bSIG[A-Z]+\b/.exec(message)?.[0] ?? "a stop request";
}
