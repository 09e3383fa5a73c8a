import { type ItemKey, objectListReader } from "@parley/core";
import { jsonText, type KeyReader, usualJson } from "./voicegain-call-form.ts";
import { dtmfEventKeys, markerKeys, wordCloudKeys } from "./voicegain-mapping.ts";

/** Pipe-joined lists (seed 002: `C_Member|NEW_TAG|V_Verified`); an empty cell is an absent list. */
const pipeItems = (cell: string): string[] => cell.split("|");

/** Splits `a,b,rest` into at most `count` parts; the last keeps any further commas (a marker note may hold one). */
function parts(item: string, count: number): string[] {
  const out: string[] = [];
  let rest = item;
  while (out.length < count - 1) {
    const comma = rest.indexOf(",");
    if (comma === -1) break;
    out.push(rest.slice(0, comma));
    rest = rest.slice(comma + 1);
  }
  out.push(rest);
  return out;
}

/**
 * An object list written as `a,b|a,b` items. Items whose values are all in their reading's usual form are written
 * as they are; otherwise the whole list goes through the calls mapping's own item readings.
 */
function itemList(keys: readonly ItemKey[], item: (text: string) => (string | undefined)[]): KeyReader {
  const read = objectListReader(keys);
  const names = keys.map(({ key }) => `"${key}":`);
  const slow = (field: string, items: readonly (string | undefined)[][]) =>
    JSON.stringify(
      read(
        field,
        items.map((values) => Object.fromEntries(keys.map(({ key }, index) => [key, values[index]]))),
      ),
    );
  return (field, cell) => {
    const items = pipeItems(cell).map(item);
    let json = "[";
    for (const values of items) {
      if (json.length > 1) json += ",";
      for (let index = 0; index < keys.length; index++) {
        const value = values[index];
        const usual = value === undefined || value === "" ? "null" : usualJson((keys[index] as ItemKey).reading, value);
        if (usual === undefined) return slow(field, items);
        json += (index === 0 ? "{" : ",") + names[index] + usual;
      }
      json += "}";
    }
    return `${json}]`;
  };
}

const textList: KeyReader = (_field, cell) => {
  let json = "[";
  let from = 0;
  for (;;) {
    const bar = cell.indexOf("|", from);
    json += jsonText(bar === -1 ? cell.slice(from) : cell.slice(from, bar));
    if (bar === -1) return `${json}]`;
    json += ",";
    from = bar + 1;
  }
};

/** A CSV column: the `VoiceCall` key it holds (inside `agent` or `queue` for the flattened `agent.id`...). */
export interface CsvColumn {
  readonly csv: string;
  readonly key: string;
  readonly within?: "agent" | "queue";
  /** How a CSV cell becomes the key's JSON value; by default the calls mapping's own reading of the key. */
  readonly read?: KeyReader;
}

/**
 * Seed 002's CSV columns (vendor-apis §2.6) and the `VoiceCall` keys they flatten, in the order their cells are read,
 * so the first unreadable one gives the reason. `startTime`, `endTime` and `duration` are read before the others
 * (the times need the duration), `callId` before anything else.
 */
export const csvColumns: readonly CsvColumn[] = [
  { csv: "accountId", key: "accountId" },
  { csv: "contextId", key: "contextId" },
  { csv: "direction", key: "direction" },
  { csv: "externalEndpoint", key: "externalEndpoint" },
  { csv: "internalEndpoint", key: "internalEndpoint" },
  { csv: "recording", key: "recording" },
  { csv: "saSessionId", key: "saSessionId" },
  { csv: "agent.id", key: "agentId", within: "agent" },
  { csv: "agent.email", key: "email", within: "agent" },
  { csv: "agent.name", key: "name", within: "agent" },
  { csv: "agent.userId", key: "userId", within: "agent" },
  { csv: "agent.channel", key: "channel", within: "agent" },
  { csv: "queue.id", key: "queueId", within: "queue" },
  { csv: "queue.name", key: "name", within: "queue" },
  { csv: "sentiment", key: "sentiment" },
  { csv: "crAnswersId", key: "crAnswersId" },
  { csv: "score", key: "score" },
  { csv: "reviewStatus", key: "reviewStatus" },
  { csv: "reviewNotes", key: "reviewNotes" },
  { csv: "notes", key: "notes" },
  { csv: "tags", key: "tags", read: textList },
  { csv: "keywords", key: "keywords", read: textList },
  { csv: "topics", key: "topics", read: textList },
  { csv: "isCallResolved", key: "callResolved" },
  { csv: "incidents", key: "incidents" },
  // wordCloud and dtmfEvents encodings are undocumented; read like markers (`a,b|a,b`), phrase first.
  {
    csv: "wordCloud",
    key: "wordCloud",
    read: itemList(wordCloudKeys, (item) => {
      const comma = item.lastIndexOf(",");
      return comma === -1 ? [item] : [item.slice(0, comma), item.slice(comma + 1)];
    }),
  },
  { csv: "numAudioChannels", key: "numAudioChannels" },
  { csv: "numSpkChannels", key: "numSpkChannels" },
  { csv: "version", key: "version" },
  { csv: "aivrAppId", key: "aivrAppId" },
  { csv: "aivrSessionId", key: "aivrSessionId" },
  { csv: "originatingCallId", key: "originatingCallId" },
  { csv: "progressPhase", key: "progressPhase" },
  { csv: "aivrTransferDestType", key: "aivrTransferDestType" },
  { csv: "callCenterCallId", key: "callCenterCallId" },
  { csv: "language", key: "language" },
  {
    csv: "dtmfEvents",
    key: "dtmfEvents",
    read: itemList(dtmfEventKeys, (item) => {
      const [timestamp, dtmf, channel] = parts(item, 3);
      return [dtmf, timestamp, channel];
    }),
  },
  { csv: "dailyRepeatCalls", key: "dailyRepeatCalls" },
  // Seed 002: `201897,CC_AGENT_ANSWER,null|179162,CC_ANSWER,null`; the literal `null` is a missing note.
  {
    csv: "markers",
    key: "markers",
    read: itemList(markerKeys, (item) => {
      const [time, type, note] = parts(item, 3);
      return [time, type, note === "null" ? undefined : note];
    }),
  },
];
