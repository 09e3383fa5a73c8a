import {
  createRecordMapper,
  createRecordValidator,
  type JsonValue,
  type Logger,
  mapRecordText,
  type ProgressEvent,
  type RecordContext,
  rawRecordTexts,
  redact,
  rejectPayload,
  type Sink,
  type Source,
  type SourceRecord,
  type StreamDefinition,
  type StreamLoadSummary,
  type TableTarget,
  type ValidatedRow,
} from "@parley/core";
import { type PiiSettings, preparePii } from "../pii/pii-run.ts";
import { alignBatch, decideFlush, type FlushDecision, type FlushMoment } from "./flush-decision.ts";
import { newLoadId } from "./load-id.ts";
import { pacedMessages } from "./paced-messages.ts";
import { usableState } from "./stored-state.ts";
import { RawChunk, StreamBuffer } from "./stream-buffer.ts";

export interface SyncOptions {
  /** The source's name in the config; state and the load ledger are keyed by it. */
  readonly sourceName: string;
  readonly source: Source;
  readonly sink: Sink;
  /** Table names are `<tablePrefix>_<stream>`. */
  readonly tablePrefix: string;
  /** Ignore stored state and replace every table atomically with what this run reads. */
  readonly fullRefresh?: boolean;
  /** The source's PII policy: applied to every record and reject before the sink sees it (pii/). */
  readonly pii?: PiiSettings;
  /** Streams to read; all when absent. */
  readonly streams?: readonly string[];
  /** Rows a stream buffers before it is written (a checkpoint writes earlier once `flushIntervalMs` passed). */
  readonly batchRows?: number;
  /** Bytes of raw records (the bulk path) a stream buffers before they are written; default 32 MiB. */
  readonly rawBatchBytes?: number;
  /** Mapped rows, measured as JSON, a stream buffers at most before they are written; default 32 MiB. */
  readonly rowBatchBytes?: number;
  readonly flushIntervalMs?: number;
  /**
   * Let a sink that can (`Sink.rawRecords`) load raw records with its own reader and map them in SQL
   * (default true); false maps every record in JavaScript. Both give the same rows and rejects.
   */
  readonly bulk?: boolean;
  readonly logger: Logger;
  /**
   * Aborting it stops the run: what checkpoints cover is written with its state, nothing else, and the load is
   * recorded `interrupted` (the abort reason, if an Error, is its message).
   */
  readonly signal?: AbortSignal;
  readonly onProgress?: (event: SyncProgress) => void;
  readonly now?: () => Date;
  /** The load's id and start, when the caller chose them first (to take the sink's lock in the load's name). */
  readonly loadId?: string;
  readonly startedAt?: Date;
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
  readonly status: "succeeded" | "failed" | "interrupted";
  readonly streams: readonly StreamResult[];
  readonly error?: unknown;
}

/** A stream read with --full-refresh: replaced atomically at the end, keeping its key for de-duplication. */
function asReplace(stream: StreamDefinition): StreamDefinition {
  return { ...stream, writeDisposition: "replace" } as StreamDefinition;
}

function refusal(connector: string, buffer: StreamBuffer, refuse: NonNullable<FlushDecision["refuse"]>): Error {
  const stream = `stream "${buffer.target.stream.name}" (append)`;
  return new Error(
    refuse.reason === "uncovered-tail"
      ? `The ${connector} connector ended ${stream} with ${refuse.rows} record(s) after its last checkpoint. An append stream must end with a checkpoint covering its last record: stored without state, those records would be read and stored again by the next run. Nothing after the last checkpoint was written; the connector must checkpoint after its last record.`
      : `The ${connector} connector emitted ${refuse.rows} record(s) of ${stream} without a checkpoint; an append stream is written only up to its checkpoints, so the connector must checkpoint more often.`,
  );
}

/**
 * Runs one source into one sink. What is written when, and with which state, is decided by `decideFlush`
 * (flush-decision.ts); this function only feeds it and carries out its decisions.
 */
export async function runSync(options: SyncOptions): Promise<SyncResult> {
  const { sink, sourceName, logger } = options;
  const pii = options.pii && preparePii(options.pii, options.source, options.fullRefresh === true);
  const source = pii ? pii.source : options.source;
  const now = options.now ?? (() => new Date());
  const startedAt = options.startedAt ?? now();
  const loadId = options.loadId ?? newLoadId(startedAt);
  const loadedAt = startedAt.toISOString();
  const limits = {
    batchRows: options.batchRows ?? 10_000,
    rawBatchBytes: options.rawBatchBytes ?? 32 * 1024 * 1024,
    rowBatchBytes: options.rowBatchBytes ?? 32 * 1024 * 1024,
  };
  const flushIntervalMs = options.flushIntervalMs ?? 5_000;
  const fullRefresh = options.fullRefresh === true;
  const signal = options.signal ?? new AbortController().signal;
  // The sink's bulk path maps raw records with SQL generated from the stream's mapping; otherwise the runner maps them.
  const bulk = options.bulk !== false && sink.rawRecords === true;
  const selected =
    options.streams === undefined
      ? source.streams
      : source.streams.filter((stream) => options.streams?.includes(stream.name));
  const targets: TableTarget[] = selected.map((stream) => ({
    table: `${options.tablePrefix}_${stream.name}`,
    stream: fullRefresh ? asReplace(stream) : stream,
  }));
  const validators = new Map(targets.map((target) => [target.stream.name, createRecordValidator(target.stream)]));
  const buffers = new Map<string, StreamBuffer>();
  const streamStarted = new Map<string, number>();
  let pendingWrite: Promise<void> = Promise.resolve();
  /** The write before `pendingWrite`; settled unless a bulk batch was handed over early. */
  let earlierWrite: Promise<void> = Promise.resolve();
  let stateBefore = new Map<string, JsonValue>();

  const stateUpdate = (buffer: StreamBuffer, value: JsonValue) => ({
    source: sourceName,
    stream: buffer.target.stream.name,
    version: source.stateVersion,
    value,
  });

  const write = async (buffer: StreamBuffer, decision: FlushDecision): Promise<void> => {
    const name = buffer.target.stream.name;
    options.onProgress?.({ kind: "records", stream: name, records: buffer.recordCount, rejects: buffer.rejectCount });
    const taken = buffer.take(decision);
    if (taken.rows.length === 0 && taken.rejects.length === 0 && taken.state === undefined) return;
    const raw = taken.rows[0] instanceof RawChunk;
    // Backpressure: at most one batch is being written while the next one fills. A bulk batch may also be handed
    // over while the previous one is written: the sink prepares it meanwhile and applies it after (`Sink.rawRecords`).
    await (raw ? earlierWrite : pendingWrite);
    const state = taken.state;
    // Only the count outlives the hand-over: what `taken` holds (a bulk batch's bytes) goes with the sink's write.
    const count = taken.count;
    const written = sink
      .writeBatch({
        loadId,
        loadedAt,
        source: sourceName,
        target: buffer.target,
        rows: raw ? [] : (taken.rows as ValidatedRow[]),
        ...(raw ? { raw: taken.rows as RawChunk[] } : {}),
        rejects: taken.rejects,
        ...(state === undefined ? {} : { state: stateUpdate(buffer, state) }),
      })
      .then((outcome) => {
        // Raw records the sink set aside were counted as records when they were read.
        const rejected = outcome?.rejected ?? 0;
        buffer.recordCount -= rejected;
        buffer.writtenCount += count - rejected;
        buffer.rejectCount += rejected;
        buffer.mappedInJavaScript += outcome?.mappedInJavaScript ?? 0;
        if (state !== undefined) buffer.storedState = state;
        options.onProgress?.({
          kind: "flushed",
          stream: name,
          rows: count,
          withState: state !== undefined,
        });
      });
    // Marked handled now; the failure surfaces at the next write or at the end, where it is awaited.
    written.catch(() => undefined);
    earlierWrite = pendingWrite;
    pendingWrite = written;
    buffer.lastFlushAt = Date.now();
  };

  const consult = async (buffer: StreamBuffer, moment: FlushMoment): Promise<FlushDecision> => {
    const situation = buffer.situation(moment, limits, Date.now() - buffer.lastFlushAt >= flushIntervalMs);
    let decision = decideFlush(situation);
    if (buffer.rows[0] instanceof RawChunk && sink.batchRowMultiple !== undefined)
      decision = alignBatch(decision, situation, sink.batchRowMultiple);
    if (decision.write) await write(buffer, decision);
    return decision;
  };

  const mappers = new Map<string, ReturnType<typeof createRecordMapper>>();
  /** A raw record mapped in JavaScript with its stream's mapping; a reject (recorded here) gives undefined. */
  const mapRawText = (buffer: StreamBuffer, text: string, context: RecordContext): SourceRecord | undefined => {
    const stream = buffer.target.stream;
    if (stream.mapping === undefined)
      throw new Error(
        `The ${source.type} connector emitted a raw record of stream "${stream.name}", which declares no mapping (a connector bug).`,
      );
    let mapper = mappers.get(stream.name);
    if (mapper === undefined) {
      mapper = createRecordMapper(
        stream.mapping,
        stream.columns.map((column) => column.name),
        stream.primaryKey ?? [],
      );
      mappers.set(stream.name, mapper);
    }
    const mapped = mapRecordText(mapper, text, context);
    if (mapped.ok) return mapped.row;
    buffer.rejects.push({ stream: stream.name, payload: rejectPayload(mapped.raw), reason: mapped.reason });
    buffer.rejectCount += 1;
    return undefined;
  };

  const bufferFor = (stream: string): StreamBuffer => {
    const buffer = buffers.get(stream);
    if (buffer === undefined)
      throw new Error(
        `The ${source.type} source emitted stream "${stream}", which was not selected or does not exist (a connector bug).`,
      );
    return buffer;
  };

  const finish = (status: "succeeded" | "failed" | "interrupted", error: string | null) => {
    for (const buffer of buffers.values())
      if (buffer.mappedInJavaScript > 0)
        // Said once per stream: a vendor field the mapping does not name sends every record this way, silently slower.
        logger.info(
          `${sourceName}/${buffer.target.stream.name}: ${buffer.mappedInJavaScript} of ${buffer.writtenCount + buffer.rejectCount} records were not in the forms the sink's own reader is given (a field the mapping does not name, a value written another way) and were mapped in JavaScript instead: the same rows, a slower load`,
          { loadId, stream: buffer.target.stream.name, mappedInJavaScript: buffer.mappedInJavaScript },
        );
    return sink.finishLoad({
      loadId,
      source: sourceName,
      startedAt: loadedAt,
      finishedAt: now().toISOString(),
      status,
      streams: summarise(buffers, stateBefore, streamStarted),
      error,
      ...(pii ? { metadata: pii.metadata } : {}),
    });
  };

  await sink.prepare(targets);
  await pii?.refuseChangedPolicy(sink, sourceName);
  await sink.startLoad({ loadId, source: sourceName, startedAt: loadedAt, ...(pii ? { metadata: pii.metadata } : {}) });
  try {
    stateBefore = usableState(sourceName, source, await sink.readState(sourceName));
    for (const [index, target] of targets.entries()) {
      const declared = (selected[index] as StreamDefinition).writeDisposition;
      const before = stateBefore.get(target.stream.name) ?? null;
      buffers.set(target.stream.name, new StreamBuffer(target, declared, fullRefresh, before, Date.now()));
    }
    const messages = source.read({
      state: fullRefresh ? new Map<string, JsonValue>() : stateBefore,
      streams: new Set(targets.map((target) => target.stream.name)),
      logger,
      signal,
      now,
      rawRecords: bulk,
      progress: (event) => options.onProgress?.({ kind: "source", event }),
    });
    for await (const paced of pacedMessages(messages, Math.min(Math.max(flushIntervalMs, 100), 1000), signal)) {
      signal.throwIfAborted();
      if (paced.kind === "tick") {
        // The source is quiet: a checkpoint older than the flush interval is written now, not at the next record.
        for (const buffer of buffers.values()) await consult(buffer, "checkpoint");
        continue;
      }
      const message = paced.value;
      const buffer = bufferFor(message.stream);
      if (!streamStarted.has(message.stream)) streamStarted.set(message.stream, Date.now());
      if (message.kind === "checkpoint") {
        const parsed = source.stateSchema.safeParse(message.state);
        if (!parsed.success)
          throw new Error(
            `The ${source.type} connector emitted a checkpoint of the wrong shape for ${message.stream} (a connector bug): ${parsed.error.issues[0]?.message}`,
          );
        buffer.addCheckpoint(parsed.data);
        await consult(buffer, "checkpoint");
        continue;
      }
      if (message.kind === "reject") {
        buffer.rejects.push({ stream: message.stream, payload: rejectPayload(message.raw), reason: message.reason });
        buffer.rejectCount += 1;
        continue;
      }
      if (message.kind === "raw" && bulk && buffer.target.stream.mapping !== undefined) {
        buffer.addRow(new RawChunk(message.records, message.context));
        options.onProgress?.({
          kind: "records",
          stream: message.stream,
          records: buffer.recordCount,
          rejects: buffer.rejectCount,
        });
        const decision = await consult(buffer, "record");
        if (decision.refuse !== undefined) throw refusal(source.type, buffer, decision.refuse);
        continue;
      }
      const records =
        message.kind === "raw"
          ? rawRecordTexts(message.records).map((text) => mapRawText(buffer, text, message.context))
          : [message.record];
      for (const record of records) {
        if (record === undefined) continue;
        const validation = (validators.get(message.stream) as ReturnType<typeof createRecordValidator>)(record);
        if (validation.ok) buffer.addRow(validation.row);
        else {
          buffer.rejects.push({ stream: message.stream, payload: rejectPayload(record), reason: validation.reason });
          buffer.rejectCount += 1;
        }
      }
      const decision = await consult(buffer, "record");
      if (decision.refuse !== undefined) throw refusal(source.type, buffer, decision.refuse);
      if ((buffer.recordCount + buffer.rejectCount) % 1000 === 0) {
        options.onProgress?.({
          kind: "records",
          stream: message.stream,
          records: buffer.recordCount,
          rejects: buffer.rejectCount,
        });
      }
    }
    signal.throwIfAborted();
    const ends = new Map<StreamBuffer, FlushDecision>();
    for (const buffer of buffers.values()) ends.set(buffer, await consult(buffer, "end"));
    await pendingWrite;
    for (const [buffer, decision] of ends)
      if (decision.refuse !== undefined) throw refusal(source.type, buffer, decision.refuse);
    for (const [buffer, decision] of ends) {
      // Only a replace holds its state until now: it goes with the swap.
      const held = buffer.target.stream.writeDisposition === "replace" ? buffer.checkpoint?.state : undefined;
      if (!decision.complete) continue;
      await sink.completeStream({
        loadId,
        source: sourceName,
        target: buffer.target,
        ...(held === undefined ? {} : { state: stateUpdate(buffer, held) }),
      });
      buffer.completed = true;
      if (held !== undefined) buffer.storedState = held;
    }
    await finish("succeeded", null);
    return { loadId, sourceName, status: "succeeded", streams: summarise(buffers, stateBefore, streamStarted) };
  } catch (error) {
    const stopping = signal.aborted;
    // Keep what the checkpoints cover, unless the sink is what failed.
    if (
      await pendingWrite.then(
        () => true,
        () => false,
      )
    ) {
      try {
        for (const buffer of buffers.values()) await consult(buffer, stopping ? "stop" : "fail");
        await pendingWrite;
      } catch (writeError) {
        logger.warn("could not store what the checkpoints covered", { loadId, error: writeError });
      }
    }
    const status = stopping ? "interrupted" : "failed";
    const reason = stopping ? (signal.reason ?? error) : error;
    const message = redact(reason instanceof Error ? reason.message : String(reason));
    await finish(status, message).catch((ledgerError: unknown) =>
      logger.warn(`could not record the ${status} load`, { loadId, error: ledgerError }),
    );
    return { loadId, sourceName, status, streams: summarise(buffers, stateBefore, streamStarted), error: reason };
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
    records: buffer.storedCount,
    rejects: buffer.rejectCount,
    stateBefore: stateBefore.get(buffer.target.stream.name) ?? null,
    stateAfter: buffer.storedState,
    durationMs: started.has(buffer.target.stream.name)
      ? Date.now() - (started.get(buffer.target.stream.name) as number)
      : 0,
  }));
}
