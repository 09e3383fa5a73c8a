import {
  createRecordMapper,
  mapRecordText,
  rawRecordTexts,
  type Source,
  type SourceMessage,
  type StreamDefinition,
} from "@parley/core";
import type { PiiScrubber } from "./pii-rules.ts";

/** The mapper of each stream that declares a mapping (the one the engine would use for raw records). */
function streamMappers(streams: readonly StreamDefinition[]): Map<string, ReturnType<typeof createRecordMapper>> {
  return new Map(
    streams.flatMap((stream) =>
      stream.mapping === undefined
        ? []
        : [
            [
              stream.name,
              createRecordMapper(
                stream.mapping,
                stream.columns.map((column) => column.name),
                stream.primaryKey ?? [],
              ),
            ] as const,
          ],
    ),
  );
}

async function* scrubbed(
  messages: AsyncIterable<SourceMessage>,
  streams: readonly StreamDefinition[],
  scrubber: PiiScrubber,
): AsyncIterable<SourceMessage> {
  const mappers = streamMappers(streams);
  for await (const message of messages) {
    if (message.kind === "record") yield { ...message, record: scrubber.scrubRecord(message.stream, message.record) };
    else if (message.kind === "reject") yield { ...message, raw: scrubber.scrubRaw(message.raw) };
    else if (message.kind === "raw") {
      // Asked not to, a source sent vendor text: mapped here, so the sink's bulk path never sees it unscrubbed.
      const mapper = mappers.get(message.stream);
      for (const text of rawRecordTexts(message.records)) {
        if (mapper === undefined) {
          const reason = `the ${message.stream} stream declares no mapping for raw records (a connector bug)`;
          yield { kind: "reject", stream: message.stream, raw: scrubber.scrubRaw(text), reason };
          continue;
        }
        const mapped = mapRecordText(mapper, text, message.context);
        yield mapped.ok
          ? { kind: "record", stream: message.stream, record: scrubber.scrubRecord(message.stream, mapped.row) }
          : { kind: "reject", stream: message.stream, raw: scrubber.scrubRaw(mapped.raw), reason: mapped.reason };
      }
    } else yield message;
  }
}

/**
 * The source as the engine sees it under a PII policy: every record and every rejected payload is scrubbed as it
 * leaves the connector, so validation, rejects, buffers and sinks only ever hold scrubbed values. Raw records
 * (the sink's bulk path, which maps vendor text in SQL) are turned off: they would reach the sink unscrubbed.
 */
export function withPiiPolicy(source: Source, scrubber: PiiScrubber): Source {
  return {
    apiVersion: source.apiVersion,
    type: source.type,
    streams: source.streams,
    stateVersion: source.stateVersion,
    stateSchema: source.stateSchema,
    check: (context) => source.check(context),
    read: (context) => scrubbed(source.read({ ...context, rawRecords: false }), source.streams, scrubber),
    close: () => source.close(),
  };
}
