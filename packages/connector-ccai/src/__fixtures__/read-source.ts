import { type JsonValue, type ProgressEvent, type Source, type SourceMessage, silentLogger } from "@parley/core";

export interface ReadResult {
  readonly records: Map<string, Record<string, unknown>[]>;
  readonly rejects: { stream: string; reason: string }[];
  readonly checkpoints: { stream: string; state: JsonValue }[];
  /** The last checkpoint of each stream. */
  readonly state: Map<string, JsonValue>;
}

/** Reads a source to the end (or until `stopAfterCheckpoints` checkpoints, like a killed run). */
export async function readSource(
  source: Source,
  options: {
    state?: Map<string, JsonValue>;
    now?: () => Date;
    stopAfterCheckpoints?: number;
    onCheckpoint?: (count: number) => void;
    progress?: (event: ProgressEvent) => void;
  } = {},
): Promise<ReadResult> {
  const result: ReadResult = { records: new Map(), rejects: [], checkpoints: [], state: new Map(options.state) };
  const messages = source.read({
    state: options.state ?? new Map(),
    streams: new Set(source.streams.map((stream) => stream.name)),
    logger: silentLogger,
    signal: new AbortController().signal,
    progress: options.progress ?? (() => {}),
    now: options.now ?? (() => new Date()),
  }) as AsyncIterable<SourceMessage>;
  for await (const message of messages) {
    if (message.kind === "record") {
      const list = result.records.get(message.stream) ?? [];
      list.push(message.record as Record<string, unknown>);
      result.records.set(message.stream, list);
    } else if (message.kind === "reject") {
      result.rejects.push({ stream: message.stream, reason: message.reason });
    } else if (message.kind === "checkpoint") {
      result.checkpoints.push({ stream: message.stream, state: message.state });
      result.state.set(message.stream, message.state);
      options.onCheckpoint?.(result.checkpoints.length);
      if (options.stopAfterCheckpoints !== undefined && result.checkpoints.length >= options.stopAfterCheckpoints)
        break;
    }
  }
  return result;
}

export function names(result: ReadResult, stream = "conversations"): string[] {
  return (result.records.get(stream) ?? []).map((record) =>
    String(stream === "analyses" ? record.analysisName : record.conversationName),
  );
}
