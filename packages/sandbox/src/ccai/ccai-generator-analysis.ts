import type { SeededRandom } from "../server/seeded-random.ts";
import { round } from "./ccai-generator-transcript.ts";
import type {
  CcaiAnalysis,
  CcaiAnnotation,
  CcaiAnnotationData,
  CcaiBoundary,
  CcaiConversation,
  CcaiEntity,
  CcaiEntityType,
  CcaiSentiment,
  CcaiTranscriptSegment,
} from "./ccai-records.ts";

const entityNames: readonly [string, CcaiEntityType, Record<string, string>][] = [
  ["Acme", "ORGANIZATION", { mid: "/m/0acme" }],
  ["Berlin", "LOCATION", { wikipedia_url: "https://en.wikipedia.org/wiki/Berlin" }],
  ["invoice", "OTHER", {}],
  ["555-0100", "PHONE_NUMBER", { number: "5550100", area_code: "555" }],
  ["$20", "PRICE", { value: "20", currency: "USD" }],
  ["Tuesday", "DATE", {}],
];
const intentNames = ["REQUEST_REFUND", "CANCEL_SUBSCRIPTION", "ORDER_STATUS", "UPDATE_EMAIL"] as const;
const matcherNames: readonly [string, string][] = [
  ["1203040506", "Greeting"],
  ["2203040506", "Cancellation threat"],
  ["3203040506", "Closing"],
];
const issueNames: readonly [string, string][] = [
  ["101", "Billing"],
  ["102", "Delivery"],
  ["103", "Account access"],
];

function sentiment(random: SeededRandom): CcaiSentiment {
  return { magnitude: round(random.next() * 3, 1), score: round(random.next() * 2 - 1, 1) };
}

/** Start and end inside one segment; phone segments also point at words, end never before start. */
function boundaries(
  random: SeededRandom,
  transcript: CcaiTranscriptSegment[],
  index: number,
): [CcaiBoundary, CcaiBoundary] {
  const words = transcript[index]?.words.length ?? 0;
  if (words === 0)
    return [
      { transcriptIndex: index, wordIndex: undefined },
      { transcriptIndex: index, wordIndex: undefined },
    ];
  const first = random.int(0, words - 1);
  return [
    { transcriptIndex: index, wordIndex: first },
    { transcriptIndex: index, wordIndex: random.int(first, words - 1) },
  ];
}

/** One analysis finished at `createTimeMicros`; it was requested up to two minutes before. */
export function generateCcaiAnalysis(
  random: SeededRandom,
  conversation: CcaiConversation,
  transcript: CcaiTranscriptSegment[],
  createTimeMicros: number,
): CcaiAnalysis {
  const requestTimeMicros = createTimeMicros - random.int(5, 120) * 1_000_000 - random.int(0, 999) * 1000;
  const tagged = conversation.callMetadata ?? conversation.chatChannels;
  const channels = tagged ? [tagged.customerChannel, tagged.agentChannel] : [0];
  const entities: Record<string, CcaiEntity> = {};
  for (const [displayName, type, metadata] of entityNames) {
    if (!random.chance(0.35)) continue;
    entities[String(random.int(10_000, 99_999))] = {
      displayName,
      type,
      metadata,
      salience: round(random.next(), 3),
      sentiment: random.chance(0.7) ? sentiment(random) : undefined,
    };
  }
  const intents: Record<string, { displayName: string }> = {};
  for (const displayName of intentNames) {
    if (random.chance(0.3)) intents[random.uuid()] = { displayName };
  }
  const phraseMatchers: Record<string, { displayName: string }> = {};
  for (const [matcherId, displayName] of matcherNames) {
    if (random.chance(0.4)) phraseMatchers[matcherId] = { displayName };
  }
  const issues = issueNames
    .filter(() => random.chance(0.4))
    .map(([issueId, displayName]) => ({ issueId, displayName, score: round(random.next(), 4) }));
  const annotations: CcaiAnnotation[] = [];
  const candidates: CcaiAnnotationData[] = [
    { kind: "silenceData" },
    { kind: "holdData" },
    { kind: "interruptionData" },
    { kind: "sentimentData", sentiment: sentiment(random) },
    ...Object.keys(intents).map((intentUniqueId) => ({ kind: "intentMatchData" as const, intentUniqueId })),
    ...Object.entries(phraseMatchers).map(([phraseMatcherId, matcher]) => ({
      kind: "phraseMatchData" as const,
      phraseMatcherId,
      displayName: matcher.displayName,
    })),
    ...Object.keys(entities).map((entityUniqueId) => ({
      kind: "entityMentionData" as const,
      entityUniqueId,
      mentionType: random.pick(["PROPER", "COMMON"] as const),
      sentiment: sentiment(random),
    })),
    ...issues.map((issue) => ({ kind: "issueMatchData" as const, ...issue })),
  ];
  for (const data of transcript.length === 0 ? [] : candidates) {
    if (!random.chance(0.6)) continue;
    const index = random.int(0, transcript.length - 1);
    const [start, end] = boundaries(random, transcript, index);
    annotations.push({ channelTag: transcript[index]?.channelTag ?? 0, start, end, data });
  }
  const silenceMs = Math.floor(conversation.durationMs * random.next() * 0.2);
  return {
    id: String(random.int(1, 9)) + Array.from({ length: 18 }, () => random.int(0, 9)).join(""),
    requestTimeMicros,
    createTimeMicros,
    endTimeMicros: createTimeMicros - 1_000_000,
    sentiments: channels.map((channelTag) => ({ channelTag, sentiment: sentiment(random) })),
    silence: {
      durationMs: silenceMs,
      percentage: conversation.durationMs === 0 ? 0 : round(silenceMs / conversation.durationMs, 4),
    },
    entities,
    intents,
    phraseMatchers,
    issueModelResult: random.chance(0.8) ? { issueModelId: "7001", issues } : undefined,
    annotations,
  };
}
