// Readings shared by the JSON mapping (declared in voicegain-mapping.ts, run by core) and the CSV mapping (by hand),
// so both formats produce the same values: core's readings and field readers.
import { objectListReader, toNumericId } from "@parley/core";
import { dtmfEventKeys, markerKeys, wordCloudKeys } from "./voicegain-mapping.ts";

export type CallRow = Record<string, unknown>;

export type MappedCall =
  | { readonly ok: true; readonly callId: number; readonly row: CallRow }
  | { readonly ok: false; readonly callId: number | undefined; readonly reason: string };

/**
 * callId is a string in JSON and an integer in CSV and `afterCallId` (vendor-apis §2.8 #1); rows keep one type,
 * an integer, because the export cursor compares callIds numerically.
 */
export function callIdFrom(value: unknown): number | undefined {
  const id = toNumericId(value);
  return typeof id === "number" ? id : undefined;
}

const readMarkers = objectListReader(markerKeys);
const readWordCloud = objectListReader(wordCloudKeys);
const readDtmfEvents = objectListReader(dtmfEventKeys);

/** CSV list items, read as the JSON mapping reads its object lists (`markers[0].time: ...` in reasons). */
export function markers(items: readonly { time: unknown; type: unknown; note: unknown }[] | null): unknown {
  return readMarkers("markers", items);
}

export function wordCloud(items: readonly { phrase: unknown; freq: unknown }[] | null): unknown {
  return readWordCloud("wordCloud", items);
}

export function dtmfEvents(items: readonly { dtmf: unknown; timestamp: unknown; channel: unknown }[] | null): unknown {
  return readDtmfEvents("dtmfEvents", items);
}
