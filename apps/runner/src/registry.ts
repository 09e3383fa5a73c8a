import { ccaiSourceFactory, exportCcaiToBigQuery } from "@parley/connector-ccai";
import { ultimateSourceFactory } from "@parley/connector-ultimate";
import { voicegainSourceFactory } from "@parley/connector-voicegain";
import type { ConfigIssue, Logger, ProgressEvent, SinkFactory, SourceFactory } from "@parley/core";
import { bigquerySinkFactory } from "@parley/sink-bigquery";
import { duckdbSinkFactory } from "@parley/sink-duckdb";
import { postgresSinkFactory } from "@parley/sink-postgres";

/**
 * Every plugin the runner knows, listed explicitly: importing a package never registers anything.
 * This table is the only place in Parley that names concrete plugins.
 */
export const sourceFactories = {
  ccai: ccaiSourceFactory,
  ultimate: ultimateSourceFactory,
  voicegain: voicegainSourceFactory,
} as const satisfies Record<string, SourceFactory>;

export const sinkFactories = {
  duckdb: duckdbSinkFactory,
  postgres: postgresSinkFactory,
  bigquery: bigquerySinkFactory,
} as const satisfies Record<string, SinkFactory>;

/** A vendor-side export a connector can drive (`parley export <type>`), e.g. CCAI's native BigQuery export. */
export type NativeExport = (
  settings: Record<string, unknown>,
  options: { since?: string; signal?: AbortSignal; logger?: Logger; onProgress?: (event: ProgressEvent) => void },
) => Promise<{
  readonly operations: readonly { readonly name: string; readonly partialErrors: readonly unknown[] }[];
  readonly mergeSql: string | undefined;
  readonly watermarkSql: string;
}>;

export const nativeExports = {
  ccai: (settings, options) => exportCcaiToBigQuery(settings as never, options),
} as const satisfies Record<string, NativeExport>;

export interface Registry {
  readonly sources: Readonly<Record<string, SourceFactory>>;
  readonly sinks: Readonly<Record<string, SinkFactory>>;
  readonly exports?: Readonly<Record<string, NativeExport>>;
}

export const defaultRegistry: Registry = { sources: sourceFactories, sinks: sinkFactories, exports: nativeExports };

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
