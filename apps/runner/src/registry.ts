import { ccaiSourceFactory, exportCcaiToBigQuery } from "@parley/connector-ccai";
import { ultimateSourceFactory } from "@parley/connector-ultimate";
import { voicegainSourceFactory } from "@parley/connector-voicegain";
import type { Logger, ProgressEvent, SinkFactory, SourceFactory } from "@parley/core";
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
