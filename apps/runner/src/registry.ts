import { ccaiSourceFactory } from "@parley/connector-ccai";
import { ultimateSourceFactory } from "@parley/connector-ultimate";
import { voicegainSourceFactory } from "@parley/connector-voicegain";
import type { SinkFactory, SourceFactory } from "@parley/core";
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

export interface Registry {
  readonly sources: Readonly<Record<string, SourceFactory>>;
  readonly sinks: Readonly<Record<string, SinkFactory>>;
}

export const defaultRegistry: Registry = { sources: sourceFactories, sinks: sinkFactories };
