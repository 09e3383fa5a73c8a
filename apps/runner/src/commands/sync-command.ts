import { ConfigError } from "@parley/core";
import { runSync, type SyncResult } from "../engine/sync-engine.ts";
import { createProgressDisplay } from "../output/progress-display.ts";
import { formatSummary } from "../output/summary-table.ts";
import { type CommandContext, type GlobalOptions, loggerFor, openConfig, openSink } from "./command-context.ts";

export interface SyncCommandOptions extends GlobalOptions {
  readonly sources: readonly string[];
  readonly fullRefresh: boolean;
}

/** `parley sync`: every enabled (or named) source into the sink; exit code 1 if any failed. */
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
  try {
    for (const configured of chosen) {
      const mode = context.logFormat === "json" ? "json" : context.stderr.isTTY === true ? "tty" : "lines";
      const progress = createProgressDisplay({ source: configured.name, region: context.terminal, logger, mode });
      logger.info(
        `syncing ${configured.name} (${configured.type}) into ${config.sink.type}${options.fullRefresh ? " (full refresh)" : ""}`,
      );
      const result = await runSync({
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
      });
      progress.stop();
      results.push(result);
      if (result.status !== "succeeded")
        logger.error(`${configured.name} ${result.status}`, { loadId: result.loadId, error: result.error });
    }
  } finally {
    await sink.close();
  }
  if (context.logFormat === "json") {
    for (const result of results) {
      logger.info("summary", {
        source: result.sourceName,
        loadId: result.loadId,
        status: result.status,
        streams: result.streams,
      });
    }
  } else {
    context.stdout.write(`${formatSummary(results)}\n`);
  }
  return results.some((result) => result.status !== "succeeded") ? 1 : 0;
}
