import { ConfigError, type LoadRecord, type StoredState } from "@parley/core";
import type { RunnerConfig } from "../config/load-config.ts";
import { renderTable } from "../output/row-formats.ts";
import { type CommandContext, type GlobalOptions, openConfig, openSink } from "./command-context.ts";

/** `parley state show [SOURCE] [--json]`: stored state per stream and the latest loads. */
export async function stateShowCommand(
  context: CommandContext,
  options: GlobalOptions & { readonly source?: string; readonly json?: boolean },
): Promise<number> {
  const config = await openConfig(context, options);
  if (options.source !== undefined) requireSource(config, options.source);
  const names = options.source === undefined ? config.sources.map((source) => source.name) : [options.source];
  const sink = openSink(config);
  try {
    const shown: { source: string; state: readonly StoredState[]; loads: readonly LoadRecord[] }[] = [];
    for (const name of names)
      shown.push({ source: name, state: await sink.readState(name), loads: await sink.listLoads(name, 5) });
    if (options.json === true) {
      context.stdout.write(`${JSON.stringify({ sources: shown }, null, 2)}\n`);
      return 0;
    }
    for (const { source, state, loads } of shown) {
      context.stdout.write(
        `== ${source}\nstate:\n${renderTable(state.map((entry) => ({ stream: entry.stream, version: entry.version, state: entry.value, load: entry.loadId, updated: entry.updatedAt })))}\n`,
      );
      context.stdout.write(
        `latest loads:\n${renderTable(loads.map((load) => ({ load: load.loadId, status: load.status, started: load.startedAt, finished: load.finishedAt, records: load.streams.reduce((sum, stream) => sum + stream.records, 0), error: load.error })))}\n\n`,
      );
    }
  } finally {
    await sink.close();
  }
  return 0;
}

function requireSource(config: RunnerConfig, name: string): void {
  if (!config.sources.some((source) => source.name === name))
    throw new ConfigError([
      {
        path: "SOURCE",
        message: `no source named "${name}" in ${config.path} (configured: ${config.sources.map((source) => source.name).join(", ")})`,
      },
    ]);
}

/** A typo in --stream would otherwise remove nothing and look like success; stored streams the source no longer declares can be reset too. */
async function requireStreams(
  config: RunnerConfig,
  name: string,
  streams: readonly string[],
  stored: readonly StoredState[],
): Promise<void> {
  const configured = config.sources.find((source) => source.name === name);
  if (configured === undefined || streams.length === 0) return;
  const source = configured.factory.create(configured.config);
  const declared = source.streams.map((stream) => stream.name);
  await source.close();
  const known = new Set([...declared, ...stored.map((entry) => entry.stream)]);
  const unknown = streams.filter((stream) => !known.has(stream));
  if (unknown.length > 0)
    throw new ConfigError(
      unknown.map((stream) => ({
        path: "--stream",
        message: `no stream "${stream}" in source ${name} (streams: ${declared.join(", ")})`,
      })),
    );
}

/** `parley state reset SOURCE [--stream S ...]`: the next sync of those streams starts from the configured start. */
export async function stateResetCommand(
  context: CommandContext,
  options: GlobalOptions & { readonly source: string | undefined; readonly streams: readonly string[] },
): Promise<number> {
  if (options.source === undefined)
    throw new ConfigError([
      { path: "SOURCE", message: "name the source whose state to reset: parley state reset SOURCE" },
    ]);
  const config = await openConfig(context, options);
  requireSource(config, options.source);
  const sink = openSink(config);
  try {
    await requireStreams(config, options.source, options.streams, await sink.readState(options.source));
    const removed = await sink.resetState(options.source, options.streams.length === 0 ? undefined : options.streams);
    context.stdout.write(
      `removed ${removed} state row(s) of ${options.source}; its next sync starts from the configured start\n`,
    );
  } finally {
    await sink.close();
  }
  return 0;
}
