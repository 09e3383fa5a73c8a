import { ConfigError } from "@parley/core";
import { type CommandContext, type GlobalOptions, loggerFor, openConfig } from "./command-context.ts";

/**
 * `parley export TYPE [--source NAME] [--since TIME]`: runs a vendor's own export (CCAI's export to BigQuery)
 * for a configured source, reports each operation and its partial errors, and prints the SQL that folds an
 * incremental (staging) export into the final table and reads the next watermark.
 */
export async function exportCommand(
  context: CommandContext,
  options: GlobalOptions & {
    readonly type: string | undefined;
    readonly source: string | undefined;
    readonly since: string | undefined;
  },
): Promise<number> {
  const available = Object.keys(context.registry.exports ?? {});
  const run = options.type === undefined ? undefined : context.registry.exports?.[options.type];
  if (run === undefined)
    throw new ConfigError([
      {
        path: "TYPE",
        message: `name a connector with a native export: parley export ${available.join(" | ") || "(none)"}`,
      },
    ]);
  const config = await openConfig(context, options);
  const candidates = config.sources.filter(
    (source) => source.type === options.type && (options.source === undefined || source.name === options.source),
  );
  if (candidates.length !== 1) {
    throw new ConfigError([
      {
        path: "--source",
        message: `${candidates.length === 0 ? "no" : "more than one"} ${options.type} source in ${config.path}${candidates.length > 1 ? "; pick one with --source NAME" : ""}`,
      },
    ]);
  }
  const configured = candidates[0] as (typeof candidates)[number];
  const logger = loggerFor(context).child({ source: configured.name });
  const result = await run(configured.settings, {
    ...(options.since === undefined ? {} : { since: options.since }),
    signal: context.signal,
    logger,
    onProgress: (event) => {
      if (event.kind === "waiting") logger.info(`waiting ${Math.ceil(event.milliseconds / 1000)}s: ${event.reason}`);
      else if (event.kind === "note") logger.info(event.message);
    },
  });
  for (const operation of result.operations) {
    context.stdout.write(
      `operation ${operation.name}: done${operation.partialErrors.length > 0 ? `, ${operation.partialErrors.length} partial error(s): ${JSON.stringify(operation.partialErrors)}` : ""}\n`,
    );
  }
  if (result.mergeSql !== undefined)
    context.stdout.write(`\n-- Fold the staging export into the final table (run in BigQuery):\n${result.mergeSql}\n`);
  context.stdout.write(`\n-- The next run's --since (epoch seconds; run in BigQuery):\n${result.watermarkSql}\n`);
  return 0;
}
