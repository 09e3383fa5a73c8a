import {
  createRecordValidator,
  type JsonValue,
  type ProgressEvent,
  parseConfigOrThrow,
  type Source,
  type SourceMessage,
  silentLogger,
} from "@parley/core";
import { type VoicegainSettings, voicegainConfigSchema } from "../voicegain-config.ts";
import { voicegainSourceFactory } from "../voicegain-source.ts";
import { callsStream } from "../voicegain-streams.ts";

export interface ReadResult {
  readonly messages: SourceMessage[];
  /** Records as the runner would hand them to a sink (validated against the stream's columns). */
  readonly rows: Record<string, unknown>[];
  readonly rejects: { raw: unknown; reason: string }[];
  readonly checkpoints: JsonValue[];
  readonly progress: ProgressEvent[];
  readonly finalState: JsonValue | undefined;
}

export function createSource(settings: VoicegainSettings): Source {
  return voicegainSourceFactory.create(parseConfigOrThrow(voicegainConfigSchema, settings));
}

/** Drives a source like the runner does, with an optional stored state, and collects what it emits. */
export async function readSource(
  settings: VoicegainSettings,
  state?: JsonValue,
  now = () => new Date(),
): Promise<ReadResult> {
  const source = createSource(settings);
  const validate = createRecordValidator(callsStream);
  const result: ReadResult = { messages: [], rows: [], rejects: [], checkpoints: [], progress: [], finalState: state };
  try {
    for await (const message of source.read({
      state: new Map(state === undefined ? [] : [["calls", state]]),
      streams: new Set(["calls"]),
      logger: silentLogger,
      signal: new AbortController().signal,
      progress: (event) => result.progress.push(event),
      now,
    })) {
      result.messages.push(message);
      if (message.kind === "record") {
        const validated = validate(message.record);
        if (!validated.ok) throw new Error(`record fails its own schema: ${validated.reason}`);
        result.rows.push(validated.row);
      } else if (message.kind === "reject") {
        result.rejects.push({ raw: message.raw, reason: message.reason });
      } else if (message.kind === "checkpoint") {
        result.checkpoints.push(message.state);
        (result as { finalState: JsonValue | undefined }).finalState = message.state;
      }
    }
  } finally {
    await source.close();
  }
  return result;
}
