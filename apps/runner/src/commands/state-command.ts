import { ConfigError } from "@parley/core";
import { type CommandContext, type GlobalOptions, openConfig, openSink, renderRows } from "./command-context.ts";

/** `parley state show [SOURCE]`: stored state per stream and the latest loads. */
export async function stateShowCommand(
  context: CommandContext,
  options: GlobalOptions & { readonly source?: string },
): Promise<number> {
  const config = await openConfig(context, options);
  const names = options.source === undefined ? config.sources.map((source) => source.name) : [options.source];
  const sink = openSink(config);
  try {
    for (const name of names) {
      const state = await sink.readState(name);
      const loads = await sink.listLoads(name, 5);
      context.stdout.write(
        `== ${name}\nstate:\n${renderRows(state.map((entry) => ({ stream: entry.stream, version: entry.version, state: entry.value, load: entry.loadId, updated: entry.updatedAt })))}\n`,
      );
      context.stdout.write(
        `latest loads:\n${renderRows(loads.map((load) => ({ load: load.loadId, status: load.status, started: load.startedAt, finished: load.finishedAt, records: load.streams.reduce((sum, stream) => sum + stream.records, 0), error: load.error })))}\n\n`,
      );
    }
  } finally {
    await sink.close();
  }
  return 0;
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
  if (!config.sources.some((source) => source.name === options.source)) {
    throw new ConfigError([{ path: "SOURCE", message: `no source named "${options.source}" in ${config.path}` }]);
  }
  const sink = openSink(config);
  try {
    const removed = await sink.resetState(options.source, options.streams.length === 0 ? undefined : options.streams);
    context.stdout.write(
      `removed ${removed} state row(s) of ${options.source}; its next sync starts from the configured start\n`,
    );
  } finally {
    await sink.close();
  }
  return 0;
}
