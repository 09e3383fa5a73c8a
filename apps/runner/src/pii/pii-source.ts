import type { Source, SourceMessage } from "@parley/core";
import type { PiiScrubber } from "./pii-rules.ts";

async function* scrubbed(messages: AsyncIterable<SourceMessage>, scrubber: PiiScrubber): AsyncIterable<SourceMessage> {
  for await (const message of messages) {
    if (message.kind === "record") yield { ...message, record: scrubber.scrubRecord(message.stream, message.record) };
    else if (message.kind === "reject") yield { ...message, raw: scrubber.scrubRaw(message.raw) };
    else yield message;
  }
}

/**
 * The source as the engine sees it under a PII policy: every record and every rejected payload is scrubbed as it
 * leaves the connector, so validation, rejects, buffers and sinks only ever hold scrubbed values.
 */
export function withPiiPolicy(source: Source, scrubber: PiiScrubber): Source {
  return {
    apiVersion: source.apiVersion,
    type: source.type,
    streams: source.streams,
    stateVersion: source.stateVersion,
    stateSchema: source.stateSchema,
    check: (context) => source.check(context),
    read: (context) => scrubbed(source.read(context), scrubber),
    close: () => source.close(),
  };
}
