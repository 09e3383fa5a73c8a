import { type ItemKey, objectListReader } from "@parley/core";
import { formOf, jsonText, type KeyReader, usualJson, type ValueForm } from "./voicegain-call-form.ts";
import { dtmfEventKeys, markerKeys, wordCloudKeys } from "./voicegain-mapping.ts";

/** Calls `each` with every item of a pipe-joined list (seed 002: `C_Member|NEW_TAG|V_Verified`). */
function forEachItem(cell: string, each: (item: string) => void): void {
  let from = 0;
  for (;;) {
    const bar = cell.indexOf("|", from);
    each(bar === -1 ? cell.slice(from) : cell.slice(from, bar));
    if (bar === -1) return;
    from = bar + 1;
  }
}

/** Splits `a,b,rest` into at most `count` parts; the last keeps any further commas (a marker note may hold one). */
function parts(item: string, count: number): string[] {
  const out: string[] = [];
  let from = 0;
  while (out.length < count - 1) {
    const comma = item.indexOf(",", from);
    if (comma === -1) break;
    out.push(item.slice(from, comma));
    from = comma + 1;
  }
  out.push(from === 0 ? item : item.slice(from));
  return out;
}

/**
 * An object list written as `a,b|a,b` items. Items whose values are all in their reading's usual form are written
 * as they are; otherwise the whole list goes through the calls mapping's own item readings.
 */
function itemList(keys: readonly ItemKey[], item: (text: string) => (string | undefined)[]): KeyReader {
  const read = objectListReader(keys);
  const names = keys.map(({ key }, index) => `${index === 0 ? "{" : ","}"${key}":`);
  const forms = keys.map(({ reading }) => formOf(reading));
  const slow = (field: string, cell: string) => {
    const items: Record<string, string | undefined>[] = [];
    forEachItem(cell, (text) => {
      const values = item(text);
      items.push(Object.fromEntries(keys.map(({ key }, index) => [key, values[index]])));
    });
    return JSON.stringify(read(field, items));
  };
  return (field, cell) => {
    let json = "[";
    let usual = true;
    forEachItem(cell, (text) => {
      if (!usual) return;
      const values = item(text);
      if (json.length > 1) json += ",";
      for (let index = 0; index < forms.length; index++) {
        const value = values[index];
        const written = value === undefined || value === "" ? "null" : usualJson(forms[index] as ValueForm, value);
        if (written === undefined) {
          usual = false;
          return;
        }
        json += names[index] + written;
      }
      json += "}";
    });
    return usual ? `${json}]` : slow(field, cell);
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
