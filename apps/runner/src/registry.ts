import type { ConfigIssue, Logger, ProgressEvent, SinkFactory, SourceFactory } from "@parley/core";

/**
 * The plugins the runner uses, as an explicit typed table: importing a package never registers anything.
 * Every plugin is a package found by its name: `@parley/connector-<type>` exports `<type>SourceFactory`,
 * `@parley/sink-<type>` exports `<type>SinkFactory` (and a connector with a vendor-side export,
 * `<type>NativeExport`). The DuckDB sink is the runner's one plugin dependency, so it is always installed; the
 * others are installed beside the runner. A plugin is imported only when a config or command names its type:
 * each costs process start (DuckDB's bindings, the BigQuery and PostgreSQL clients).
 */
export interface Registry {
  readonly sources: Readonly<Record<string, SourceFactory>>;
  readonly sinks: Readonly<Record<string, SinkFactory>>;
  readonly exports?: Readonly<Record<string, NativeExport>>;
}

/** A vendor-side export a connector can drive (`parley export <type>`), e.g. CCAI's native BigQuery export. */
export type NativeExport = (
  settings: Record<string, unknown>,
  options: { since?: string; signal?: AbortSignal; logger?: Logger; onProgress?: (event: ProgressEvent) => void },
) => Promise<{
  readonly operations: readonly { readonly name: string; readonly partialErrors: readonly unknown[] }[];
  readonly mergeSql: string | undefined;
  readonly watermarkSql: string;
  /** Incremental runs: the newest update time in the staging table (epoch seconds), read before the MERGE. */
  readonly stagingWatermarkSql?: string | undefined;
  /** The `since` of the next run for a watermark in epoch seconds. */
  readonly watermarkSince?: (epochSeconds: number) => string;
}>;

/** The plugins Parley publishes, looked for when no config names the types (`parley schema`, `parley init`). */
export const publishedPlugins = {
  sources: ["ccai", "ultimate", "voicegain"],
  sinks: ["duckdb", "postgres", "bigquery"],
} as const;

export type PluginKind = "source" | "sink";

/** The npm package that provides a plugin type, by convention. */
export function pluginPackage(kind: PluginKind, type: string): string {
  return kind === "source" ? `@parley/connector-${type}` : `@parley/sink-${type}`;
}

/** No plugins: what the CLI starts from, before a config or command names the types it needs. */
export const emptyRegistry: Registry = { sources: {}, sinks: {} };

/** What can follow `@parley/connector-` or `@parley/sink-` in a package name: anything else is no plugin's type. */
const pluginType = /^[a-z0-9][a-z0-9._-]*$/;

async function importInstalled(name: string): Promise<Record<string, unknown> | undefined> {
  try {
    return (await import(name)) as Record<string, unknown>;
  } catch (error) {
    // Only "this package is not installed" means absent; a broken installed plugin must say so.
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ERR_MODULE_NOT_FOUND" && String((error as Error).message).includes(`'${name}'`)) return undefined;
    throw error;
  }
}

/**
 * The plugins of the given types that are installed (imported on demand, so a config that uses one connector and
 * one sink loads only those two). A type that is not installed is left out: the config check then names the
 * package to install.
 */
export async function loadPlugins(types: {
  readonly sources?: readonly string[];
  readonly sinks?: readonly string[];
}): Promise<Registry> {
  const sources: Record<string, SourceFactory> = {};
  const sinks: Record<string, SinkFactory> = {};
  const exports: Record<string, NativeExport> = {};
  for (const type of new Set(types.sources ?? [])) {
    if (!pluginType.test(type)) continue;
    const module = await importInstalled(pluginPackage("source", type));
    const factory = module?.[`${type}SourceFactory`] as SourceFactory | undefined;
    if (factory !== undefined) sources[type] = factory;
    const nativeExport = module?.[`${type}NativeExport`] as NativeExport | undefined;
    if (nativeExport !== undefined) exports[type] = nativeExport;
  }
  for (const type of new Set(types.sinks ?? [])) {
    if (!pluginType.test(type)) continue;
    const module = await importInstalled(pluginPackage("sink", type));
    const factory = module?.[`${type}SinkFactory`] as SinkFactory | undefined;
    if (factory !== undefined) sinks[type] = factory;
  }
  return { sources, sinks, exports };
}

/** Every published plugin that is installed (in the workspace: all of them). */
export function installedPlugins(): Promise<Registry> {
  return loadPlugins({ sources: publishedPlugins.sources, sinks: publishedPlugins.sinks });
}

/** Every installed plugin with `extra` on top, for what lists or describes them all (`parley schema`, `init`). */
export async function everyPlugin(extra: Registry): Promise<Registry> {
  return mergeRegistries(await installedPlugins(), extra);
}

/** `extra` on top of `base`: test plugins, or a program's own plugins, added to the installed ones. */
export function mergeRegistries(base: Registry, extra: Registry | undefined): Registry {
  if (extra === undefined) return base;
  return {
    sources: { ...base.sources, ...extra.sources },
    sinks: { ...base.sinks, ...extra.sinks },
    exports: { ...base.exports, ...extra.exports },
  };
}

/** The plugin contract version this runner speaks (`apiVersion` of `@parley/core`'s Source and Sink). */
export const pluginApiVersion = 1;

/**
 * A plugin built for another contract version is refused before it runs, naming its package and both versions:
 * a connector compiled against a newer `@parley/core` may emit messages this runner does not understand.
 */
export function pluginVersionIssue(factory: SourceFactory | SinkFactory, path: string): ConfigIssue | undefined {
  const { apiVersion, packageName } = factory as { apiVersion?: unknown; packageName?: unknown };
  if (apiVersion === pluginApiVersion) return undefined;
  const name = typeof packageName === "string" ? packageName : `the "${factory.type}" plugin`;
  return {
    path,
    message: `${name} implements plugin API version ${String(apiVersion ?? "(none)")}, but this @parley/runner speaks version ${pluginApiVersion}: install versions of ${name} and @parley/runner made for the same @parley/core`,
  };
}
