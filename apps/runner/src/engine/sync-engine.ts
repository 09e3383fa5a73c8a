import {
  createRecordValidator,
  type JsonValue,
  type Logger,
  type ProgressEvent,
  redact,
  rejectPayload,
  type Sink,
  type Source,
  type StreamDefinition,
  type StreamLoadSummary,
  type TableTarget,
} from "@parley/core";
import { newLoadId } from "./load-id.ts";
import { usableState } from "./stored-state.ts";
import { StreamBuffer } from "./stream-buffer.ts";

export interface SyncOptions {
  /** The source's name in the config; state and the load ledger are keyed by it. */
  readonly sourceName: string;
  readonly source: Source;
  readonly sink: Sink;
  /** Table names are `<tablePrefix>_<stream>`. */
  readonly tablePrefix: string;
  /** Ignore stored state and replace every table atomically with what this run reads. */
  readonly fullRefresh?: boolean;
  /** Streams to read; all when absent. */
  readonly streams?: readonly string[];
  /** Rows a stream buffers before it is written (a checkpoint writes earlier once `flushIntervalMs` passed). */
  readonly batchRows?: number;
  readonly flushIntervalMs?: number;
  readonly logger: Logger;
  readonly signal?: AbortSignal;
  readonly onProgress?: (event: SyncProgress) => void;
  readonly now?: () => Date;
}

export type SyncProgress =
  | { readonly kind: "records"; readonly stream: string; readonly records: number; readonly rejects: number }
  | { readonly kind: "source"; readonly event: ProgressEvent }
  | { readonly kind: "flushed"; readonly stream: string; readonly rows: number; readonly withState: boolean };

export interface StreamResult extends StreamLoadSummary {
  readonly durationMs: number;
}

export interface SyncResult {
  readonly loadId: string;
  readonly sourceName: string;
  readonly status: "succeeded" | "failed";
  readonly streams: readonly StreamResult[];
  readonly error?: unknown;
}

/** A stream read with --full-refresh: replaced atomically at the end, keeping its key for de-duplication. */
function asReplace(stream: StreamDefinition): StreamDefinition {
  return { ...stream, writeDisposition: "replace" } as StreamDefinition;
}

/**
 * Runs one source into one sink. The one rule that makes a killed run safe: state is stored only in
 * the same transaction as the rows it covers (for replace streams: with the final swap).
 */
export async function runSync(options: SyncOptions): Promise<SyncResult> {
  const { source, sink, sourceName, logger } = options;
  const now = options.now ?? (() => new Date());
  const startedAt = now();
  const loadId = newLoadId(startedAt);
  const loadedAt = startedAt.toISOString();
  const batchRows = options.batchRows ?? 10_000;
  const flushIntervalMs = options.flushIntervalMs ?? 5_000;
  const selected =
    options.streams === undefined
      ? source.streams
      : source.streams.filter((stream) => options.streams?.includes(stream.name));
  const targets: TableTarget[] = selected.map((stream) => ({
    table: `${options.tablePrefix}_${stream.name}`,
    stream: options.fullRefresh === true ? asReplace(stream) : stream,
  }));
  const validators = new Map(targets.map((target) => [target.stream.name, createRecordValidator(target.stream)]));
  const buffers = new Map<string, StreamBuffer>();
  const streamStarted = new Map<string, number>();
  let pendingWrite: Promise<void> = Promise.resolve();
  let stateBefore = new Map<string, JsonValue>();

  const flush = async (buffer: StreamBuffer, all: boolean): Promise<void> => {
    const isReplace = buffer.target.stream.writeDisposition === "replace";
    options.onProgress?.({
      kind: "records",
      stream: buffer.target.stream.name,
      records: buffer.recordCount,
      rejects: buffer.rejectCount,
    });
    const taken = buffer.take(all);
    if (taken.rows.length === 0 && taken.rejects.length === 0 && (taken.state === undefined || isReplace)) return;
    // Replace streams keep their state until the swap: stored earlier, it would claim rows not yet visible.
    const state = taken.state === undefined || isReplace ? undefined : taken.state;
    // Backpressure: at most one batch is being written while the next one fills.
    await pendingWrite;
    const write = sink
      .writeBatch({
        loadId,
        loadedAt,
        source: sourceName,
        target: buffer.target,
        rows: taken.rows,
        rejects: taken.rejects,
        ...(state === undefined
          ? {}
          : {
              state: {
                source: sourceName,
                stream: buffer.target.stream.name,
                version: source.stateVersion,
                value: state,
              },
            }),
      })
      .then(() => {
        if (state !== undefined) buffer.storedState = state;
        options.onProgress?.({
          kind: "flushed",
          stream: buffer.target.stream.name,
          rows: taken.rows.length,
          withState: state !== undefined,
        });
      });
    // Marked handled now; the failure surfaces at the next flush or at the end, where it is awaited.
    write.catch(() => undefined);
    pendingWrite = write;
    if (isReplace && taken.state !== undefined) buffer.checkpoint = { state: taken.state, coveredRows: 0 };
    buffer.lastFlushAt = Date.now();
  };

  const bufferFor = (stream: string): StreamBuffer => {
    const buffer = buffers.get(stream);
    if (buffer === undefined)
      throw new Error(
        `The ${source.type} source emitted stream "${stream}", which was not selected or does not exist (a connector bug).`,
      );
    return buffer;
  };

  await sink.prepare(targets);
  await sink.startLoad({ loadId, source: sourceName, startedAt: loadedAt });
  try {
    stateBefore = usableState(sourceName, source, await sink.readState(sourceName));
    for (const target of targets) {
      buffers.set(
        target.stream.name,
        new StreamBuffer(target, stateBefore.get(target.stream.name) ?? null, Date.now()),
      );
    }
    const readState = options.fullRefresh === true ? new Map<string, JsonValue>() : stateBefore;
    const signal = options.signal ?? new AbortController().signal;
    const messages = source.read({
      state: readState,
      streams: new Set(targets.map((target) => target.stream.name)),
      logger,
      signal,
      now,
      progress: (event) => options.onProgress?.({ kind: "source", event }),
    });
    for await (const message of messages) {
      signal.throwIfAborted();
      const buffer = bufferFor(message.stream);
      if (!streamStarted.has(message.stream)) streamStarted.set(message.stream, Date.now());
      if (message.kind === "record") {
        const validation = (validators.get(message.stream) as ReturnType<typeof createRecordValidator>)(message.record);
        if (validation.ok) {
          buffer.rows.push(validation.row);
          buffer.recordCount += 1;
        } else {
          buffer.rejects.push({
            stream: message.stream,
            payload: rejectPayload(message.record),
            reason: validation.reason,
          });
          buffer.rejectCount += 1;
        }
        if (buffer.rows.length >= batchRows && buffer.rereadIsHarmless) await flush(buffer, false);
        else if (buffer.rows.length >= batchRows * 10) {
          throw new Error(
            `Stream ${message.stream} (append) emitted ${buffer.rows.length} records without a checkpoint; the ${source.type} connector must checkpoint more often.`,
          );
        }
        if ((buffer.recordCount + buffer.rejectCount) % 1000 === 0) {
          options.onProgress?.({
            kind: "records",
            stream: message.stream,
            records: buffer.recordCount,
            rejects: buffer.rejectCount,
          });
        }
      } else if (message.kind === "reject") {
        buffer.rejects.push({ stream: message.stream, payload: rejectPayload(message.raw), reason: message.reason });
        buffer.rejectCount += 1;
      } else {
        const parsed = source.stateSchema.safeParse(message.state);
        if (!parsed.success)
          throw new Error(
            `The ${source.type} connector emitted a checkpoint of the wrong shape for ${message.stream} (a connector bug): ${parsed.error.issues[0]?.message}`,
          );
        buffer.checkpoint = { state: parsed.data, coveredRows: buffer.rows.length };
        if (buffer.rows.length >= batchRows || Date.now() - buffer.lastFlushAt >= flushIntervalMs)
          await flush(buffer, false);
      }
    }
    for (const buffer of buffers.values()) await flush(buffer, true);
    await pendingWrite;
    for (const buffer of buffers.values()) {
      const finalState = buffer.target.stream.writeDisposition === "replace" ? buffer.checkpoint?.state : undefined;
      await sink.completeStream({
        loadId,
        source: sourceName,
        target: buffer.target,
        ...(finalState === undefined
          ? {}
          : {
              state: {
                source: sourceName,
                stream: buffer.target.stream.name,
                version: source.stateVersion,
                value: finalState,
              },
            }),
      });
      if (finalState !== undefined) buffer.storedState = finalState;
    }
    const streams = summarise(buffers, stateBefore, streamStarted);
    await sink.finishLoad({
      loadId,
      source: sourceName,
      startedAt: loadedAt,
      finishedAt: now().toISOString(),
      status: "succeeded",
      streams,
      error: null,
    });
    return { loadId, sourceName, status: "succeeded", streams };
  } catch (error) {
    await pendingWrite.catch(() => undefined);
    const streams = summarise(buffers, stateBefore, streamStarted);
    const message = redact(error instanceof Error ? error.message : String(error));
    await sink
      .finishLoad({
        loadId,
        source: sourceName,
        startedAt: loadedAt,
        finishedAt: now().toISOString(),
        status: "failed",
        streams,
        error: message,
      })
      .catch((ledgerError: unknown) => logger.warn("could not record the failed load", { loadId, error: ledgerError }));
    return { loadId, sourceName, status: "failed", streams, error };
  } finally {
    await source.close();
  }
}

function summarise(
  buffers: Map<string, StreamBuffer>,
  stateBefore: Map<string, JsonValue>,
  started: Map<string, number>,
): StreamResult[] {
  return [...buffers.values()].map((buffer) => ({
    stream: buffer.target.stream.name,
    table: buffer.target.table,
    records: buffer.recordCount,
    rejects: buffer.rejectCount,
    stateBefore: stateBefore.get(buffer.target.stream.name) ?? null,
    stateAfter: buffer.storedState,
    durationMs: started.has(buffer.target.stream.name)
      ? Date.now() - (started.get(buffer.target.stream.name) as number)
      : 0,
  }));
}
