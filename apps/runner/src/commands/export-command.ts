import { randomUUID } from "node:crypto";
import { ConfigError, type Sink } from "@parley/core";
import { z } from "zod";
import { everyPlugin, loadPlugins, mergeRegistries } from "../registry.ts";
import { type CommandContext, type GlobalOptions, loggerFor, openConfig, openSink } from "./command-context.ts";

/** The export's state in `_parley_state` (stream `export` of the source): where the next incremental run starts. */
const exportStream = "export";
const exportStateVersion = 1;
const exportStateSchema = z.object({ watermark: z.string().min(1) });

/** The watermark a previous run stored with its MERGE, if any. */
async function storedWatermark(sink: Sink, source: string): Promise<string | undefined> {
  const stored = (await sink.readState(source)).find((entry) => entry.stream === exportStream);
  const parsed = exportStateSchema.safeParse(stored?.value);
  return parsed.success ? parsed.data.watermark : undefined;
}

async function maxSeconds(sink: Sink, sql: string): Promise<number | undefined> {
  const [row] = await sink.query(sql);
  const value = row?.watermark;
  return value === null || value === undefined ? undefined : Number(value);
}

/**
 * `parley export TYPE [--source NAME] [--since TIME]`: runs a vendor's own export (CCAI's export to BigQuery) for a
 * configured source and reports each operation and its partial errors. With a BigQuery sink it completes Google's
 * incremental flow: export to the staging table, then one transaction that MERGEs staging into the final table and
 * stores the new watermark in `_parley_state`, so the next run without --since starts there. Other sinks cannot
 * reach the export's tables, so the MERGE and the watermark query are printed to run in BigQuery.
 */
export async function exportCommand(
  context: CommandContext,
  options: GlobalOptions & {
    readonly type: string | undefined;
    readonly source: string | undefined;
    readonly since: string | undefined;
  },
): Promise<number> {
  const run =
    options.type === undefined
      ? undefined
      : mergeRegistries(await loadPlugins({ sources: [options.type] }), context.registry).exports?.[options.type];
  if (run === undefined) {
    const available = Object.keys((await everyPlugin(context.registry)).exports ?? {});
    throw new ConfigError([
      {
        path: "TYPE",
        message: `name a connector with a native export: parley export ${available.join(" | ") || "(none)"}`,
      },
    ]);
  }
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
  const sink = openSink(config);
  try {
    const inWarehouse = sink.dialect === "bigquery" && sink.executeWithState !== undefined;
    const since = options.since ?? (inWarehouse ? await storedWatermark(sink, configured.name) : undefined);
    if (options.since === undefined && since !== undefined)
      logger.info(`continuing after the stored watermark ${since}`);
    const result = await run(configured.settings, {
      ...(since === undefined ? {} : { since }),
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
    if (!inWarehouse || result.watermarkSince === undefined) {
      if (result.mergeSql !== undefined)
        context.stdout.write(
          `\n-- Fold the staging export into the final table (run in BigQuery):\n${result.mergeSql}\n`,
        );
      context.stdout.write(`\n-- The next run's --since (epoch seconds; run in BigQuery):\n${result.watermarkSql}\n`);
      return 0;
    }
    // The final table's newest update time after the MERGE: the larger of what it held and what staging brings.
    const newest = [
      await maxSeconds(sink, result.watermarkSql),
      result.stagingWatermarkSql === undefined ? undefined : await maxSeconds(sink, result.stagingWatermarkSql),
    ].filter((value): value is number => value !== undefined);
    const watermark = newest.length === 0 ? since : result.watermarkSince(Math.max(...newest));
    if (watermark === undefined) {
      context.stdout.write("no conversation exported yet: nothing to merge, no watermark stored\n");
      return 0;
    }
    const executeWithState = sink.executeWithState?.bind(sink) as NonNullable<Sink["executeWithState"]>;
    await executeWithState(
      result.mergeSql === undefined ? [] : [result.mergeSql],
      { source: configured.name, stream: exportStream, version: exportStateVersion, value: { watermark } },
      `export-${randomUUID()}`,
    );
    if (result.mergeSql !== undefined) context.stdout.write("merged the staging table into the final table\n");
    context.stdout.write(
      `watermark stored in _parley_state: ${watermark} (the next run without --since starts there)\n`,
    );
    return 0;
  } finally {
    await sink.close();
  }
}
