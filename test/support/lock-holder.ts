import { installedPlugins } from "@parley/runner";

/**
 * A separate process that takes a sink's lock for source `locked`, records its load as running, says `locked`
 * and then waits to be killed: a run that dies holding the lock. Argument: the sink config as JSON.
 */
const settings = JSON.parse(process.argv[2] ?? "{}") as { type: string };
const factory = (await installedPlugins()).sinks[settings.type];
if (factory === undefined) throw new Error(`no ${settings.type} sink installed`);
const { type: _type, ...config } = settings;
const sink = factory.create(factory.configSchema.parse(config) as never);
const load = { source: "locked", loadId: `holder-${process.pid}`, startedAt: new Date().toISOString() };
await sink.prepare([]);
await sink.lock(load);
await sink.startLoad(load);
process.stdout.write(`locked ${load.loadId} ${load.startedAt}\n`);
setInterval(() => undefined, 60_000);
