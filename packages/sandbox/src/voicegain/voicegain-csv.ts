import type { SeededRandom } from "../server/seeded-random.ts";
import { oncePerCall, type VoicegainCall } from "./voicegain-records.ts";
import type { ZoneClock } from "./voicegain-time.ts";

type Cell = string | number | boolean | undefined;
type ColumnValue = (call: VoicegainCall, clock: ZoneClock) => Cell;

const time = (text: string | undefined, clock: ZoneClock): Cell =>
  text === undefined ? undefined : clock.formatCsv(Date.parse(text));
const list = (items: readonly string[] | undefined): Cell => items?.join("|");

/** The CSV columns in seed 002's order, with the JSON field each reads (vendor-apis §2.6). */
const columns: readonly (readonly [string, ColumnValue])[] = [
  ["accountId", (call) => call.accountId],
  ["contextId", (call) => call.contextId],
  ["callId", (call) => call.callId],
  ["startTime", (call, clock) => time(call.startTime, clock)],
  ["endTime", (call, clock) => time(call.endTime, clock)],
  ["duration", (call) => call.duration],
  ["direction", (call) => call.direction],
  ["externalEndpoint", (call) => call.externalEndpoint],
  ["internalEndpoint", (call) => call.internalEndpoint],
  ["recording", (call) => call.recording],
  ["saSessionId", (call) => call.saSessionId],
  ["agent.id", (call) => call.agent?.agentId],
  ["agent.email", (call) => call.agent?.email],
  ["agent.name", (call) => call.agent?.name],
  ["agent.userId", (call) => call.agent?.userId],
  ["agent.channel", (call) => call.agent?.channel],
  ["queue.id", (call) => call.queue?.queueId],
  ["queue.name", (call) => call.queue?.name],
  ["sentiment", (call) => call.sentiment],
  ["crAnswersId", (call) => call.crAnswersId],
  ["score", (call) => call.score],
  ["reviewStatus", (call) => call.reviewStatus],
  ["reviewNotes", (call) => call.reviewNotes],
  ["notes", (call) => call.notes],
  ["tags", (call) => list(call.tags)],
  ["keywords", (call) => list(call.keywords)],
  ["topics", (call) => list(call.topics)],
  ["isCallResolved", (call) => call.callResolved],
  ["incidents", (call) => call.incidents],
  // The encodings of wordCloud and dtmfEvents are undocumented; these follow the markers style (a guess).
  ["wordCloud", (call) => call.wordCloud?.map((item) => `${item.phrase},${item.freq}`).join("|")],
  ["numAudioChannels", (call) => call.numAudioChannels],
  ["numSpkChannels", (call) => call.numSpkChannels],
  ["version", (call) => call.version],
  ["aivrAppId", (call) => call.aivrAppId],
  ["aivrSessionId", (call) => call.aivrSessionId],
  ["originatingCallId", (call) => call.originatingCallId],
  ["progressPhase", (call) => call.progressPhase],
  ["aivrTransferDestType", (call) => call.aivrTransferDestType],
  ["callCenterCallId", (call) => call.callCenterCallId],
  ["language", (call) => call.language],
  [
    "dtmfEvents",
    (call) => call.dtmfEvents?.map((event) => `${event.timestamp},${event.dtmf},${event.channel}`).join("|"),
  ],
  ["dailyRepeatCalls", (call) => call.dailyRepeatCalls],
  // Seed 002: `201897,CC_AGENT_ANSWER,null|179162,CC_ANSWER,null`, a literal null for a missing note.
  [
    "markers",
    (call) => call.markers?.map((marker) => `${marker.time},${marker.type},${marker.note ?? "null"}`).join("|"),
  ],
];

export const voicegainCsvColumns: readonly string[] = columns.map(([name]) => name);

/** RFC 4180 line ending (the vendor's is not documented). */
const lineEnd = "\r\n";

function quote(cell: Cell): string {
  if (cell === undefined) return "";
  const text = String(cell);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export interface CsvEncoder {
  readonly columns: readonly string[];
  header(): string;
  row(call: VoicegainCall): string;
}

/** Column order may be shuffled: the vendor's own script finds columns by header name (vendor-apis §2.6). */
export function createCsvEncoder(clock: ZoneClock, shuffle?: SeededRandom): CsvEncoder {
  const ordered = columns.slice();
  if (shuffle) {
    for (let index = ordered.length - 1; index > 0; index -= 1) {
      const other = shuffle.int(0, index);
      [ordered[index], ordered[other]] = [
        ordered[other] as (typeof ordered)[number],
        ordered[index] as (typeof ordered)[number],
      ];
    }
  }
  const header = ordered.map(([name]) => quote(name)).join(",") + lineEnd;
  return {
    columns: ordered.map(([name]) => name),
    header: () => header,
    row: oncePerCall((call) => ordered.map(([, value]) => quote(value(call, clock))).join(",") + lineEnd),
  };
}
