import type { z } from "zod";
import type { Logger } from "../logging/logger.ts";
import type { RawRecords, RecordContext } from "../mapping/record-mapping.ts";
import type { SourceRecord } from "../schema/record-validator.ts";
import type { StreamDefinition } from "../schema/stream-definition.ts";
import type { JsonValue } from "../state/json-value.ts";

/** The contract version a plugin implements. Bumped only for breaking changes to this file. */
export type PluginApiVersion = 1;

/**
 * What a source emits, in order. The order carries the delivery guarantee:
 * a `checkpoint` for stream S promises that every `record` and `reject` of S emitted before it
 * is covered by its `state`. The runner stores that state in the same transaction as those records,
 * so after a crash the source restarts from a state that matches the stored data exactly.
 *
 * An `append` stream must end with a checkpoint covering its last record. Records after its last checkpoint
 * could only be stored without state, and the next run would read and store them again; the runner refuses
 * such a stream (the run fails naming the connector and stream) and writes nothing past the checkpoint.
 * `merge` and `replace` streams may end after their last checkpoint: re-reading those records is harmless.
 */
export type SourceMessage =
  | {
      readonly kind: "record";
      readonly stream: string;
      readonly record: SourceRecord;
    }
  | {
      /**
       * Records as the vendor sent them (the bytes of whole JSON records, never decoded), for a stream that declares
       * a `mapping`; only when the runner asked for raw records (`ReadContext.rawRecords`). A record the vendor sends
       * in another format (a CSV row) goes as the JSON record it stands for, which the same mapping reads. The sink's
       * bulk path reads them with the warehouse's own reader and maps them with the stream's mapping; a record that
       * cannot be mapped becomes a reject with the reason. Like records, they count toward the next checkpoint. While a
       * stream asked for raw records sends them, it sends no mapped `record` messages (the runner refuses a batch
       * holding both kinds).
       */
      readonly kind: "raw";
      readonly stream: string;
      readonly records: RawRecords;
      /** Shared by every record of one file or page: consecutive raw records with the same context load together. */
      readonly context: RecordContext;
    }
  | {
      /** A record the source could not turn into a row (unparsable count, broken JSON line...). */
      readonly kind: "reject";
      readonly stream: string;
      /** What arrived, as close to the wire as possible (a string for text the source could not parse). */
      readonly raw: unknown;
      /** Why it was set aside; shown to users and stored in `_parley_rejects`. */
      readonly reason: string;
    }
  | {
      readonly kind: "checkpoint";
      readonly stream: string;
      /** The stream's new state; validated with the source's `stateSchema` before it is stored. */
      readonly state: JsonValue;
    };

/** Progress a source reports while it works; the runner shows it (progress line, JSON logs). */
export type ProgressEvent =
  | { readonly kind: "page"; readonly stream: string; readonly bytes?: number; readonly detail?: string }
  | { readonly kind: "bytes"; readonly stream: string; readonly bytes: number }
  | { readonly kind: "waiting"; readonly stream: string; readonly milliseconds: number; readonly reason: string }
  | { readonly kind: "note"; readonly stream: string; readonly message: string };

export interface ReadContext {
  /** State stored for each stream by the last successful checkpoint. Empty on a first run or a full refresh. */
  readonly state: ReadonlyMap<string, JsonValue>;
  /** The streams to read (a subset of `Source.streams`); a source must not emit records of others. */
  readonly streams: ReadonlySet<string>;
  readonly logger: Logger;
  readonly signal: AbortSignal;
  readonly progress: (event: ProgressEvent) => void;
  /**
   * The runner takes `raw` messages for streams that declare a `mapping` (the sink loads them in bulk). A source
   * that can emit them should; one that cannot keeps emitting mapped `record` messages, which is always correct.
   */
  readonly rawRecords?: boolean;
  /** The run's clock; tests pin it. Sources use it for "up to yesterday" style bounds. */
  readonly now: () => Date;
}

export interface CheckContext {
  readonly logger: Logger;
  readonly signal: AbortSignal;
}

/**
 * A source of records: one connector instance, created by the connector's factory from a validated
 * config (for example `createUltimateSource(config)`). Creating it performs no I/O.
 */
export interface Source {
  /** The contract version this source implements. */
  readonly apiVersion: PluginApiVersion;
  /** The connector id, e.g. `ultimate`; also the default prefix of its table names. */
  readonly type: string;
  /** The streams it can read, each becoming a table `<tablePrefix>_<stream name>`. */
  readonly streams: readonly StreamDefinition[];
  /**
   * Version of the state format. Stored state with a higher version is refused (written by a newer
   * connector); a lower version is passed through `stateSchema`, which may migrate it.
   */
  readonly stateVersion: number;
  /** Validates (and may migrate) one stream's stored state; its errors become a `StateError`. */
  readonly stateSchema: z.ZodType<JsonValue>;
  /** Reaches the vendor with the configured credentials; throws `AuthError`, `HttpError` or `ConfigError`. */
  check(context: CheckContext): Promise<void>;
  /**
   * Reads the selected streams from their stored state onwards, emitting records, rejects and checkpoints
   * (see `SourceMessage` for the order's promise). Stops early, throwing, when `context.signal` aborts.
   */
  read(context: ReadContext): AsyncIterable<SourceMessage>;
  /** Releases connections. Safe to call twice. */
  close(): Promise<void>;
}

/** The factory a connector package exports, used by the runner's registry. */
export interface SourceFactory<S extends z.ZodType = z.ZodType> {
  /** The contract version the connector implements; the runner refuses a version it does not speak. */
  readonly apiVersion: PluginApiVersion;
  /** The npm package that provides it, named in messages (e.g. a refused `apiVersion`). */
  readonly packageName: string;
  /** The connector id: a source's `type` in parley.yaml. */
  readonly type: string;
  /** The connector's config schema (input: what users write; output: the parsed config). */
  readonly configSchema: S;
  /** Creates a source from a parsed config, without I/O. */
  create(config: z.output<S>): Source;
}
