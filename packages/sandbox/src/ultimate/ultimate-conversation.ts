import { SeededRandom } from "../server/seeded-random.ts";
import type { UltimateBot } from "./ultimate-bots.ts";
import { dayMilliseconds } from "./ultimate-dates.ts";
import { hexId, mixSeed, uuid } from "./ultimate-hashing.ts";
import { createSessionDataText } from "./ultimate-session-data.ts";
import type { IntentDefinition } from "./ultimate-vocabulary.ts";
import * as vocabulary from "./ultimate-vocabulary.ts";

/** One conversation before it is laid out as a v2 or v3 record, so both versions describe the same events. */
export interface Conversation {
  readonly conversationId: string;
  readonly platformConversationId: string;
  readonly startTime: number;
  readonly endTime: number;
  readonly language: string;
  /** Email bots keep sessions open up to 72 h (vendor-apis §3.7): v3 "email", v2 "ticket". */
  readonly emailChannel: boolean;
  /** Decides "messaging" vs "chat" for live v3 conversations (seed 004's table vs its example). */
  readonly chatSpelling: boolean;
  readonly labels: readonly string[];
  readonly segments: readonly string[];
  /** Session parameters as JSON text. */
  readonly sessionData: string;
  readonly testMode: boolean;
  readonly status: string;
  readonly lastResolution: string;
  /** v2 also reports "undefined" (seed 003). */
  readonly resolutionUndefined: boolean;
  readonly automatedResolution: string;
  readonly automatedResolutionReasoning: string;
  readonly intents: readonly {
    readonly time: number;
    readonly intent: IntentDefinition;
    readonly procedure: boolean;
  }[];
  readonly botReplies: boolean;
  readonly knowledge: KnowledgeCounts;
  readonly botMessages: number;
  readonly customerMessages: number;
  readonly notUnderstoodMessages: number;
}

export interface KnowledgeCounts {
  readonly attempted: boolean;
  readonly notUnderstood: number;
  readonly responseGenerated: number;
  readonly errorOccurred: number;
  readonly escalationRequired: number;
  readonly fallback: number;
  readonly sources: readonly { readonly title: string; readonly url: string }[];
}

// Status mix follows the statuses in the seed SQL; `bot_handled` is the doc spelling (quirk 1), kept rare.
const statuses: readonly (readonly [string, number])[] = [
  ["botHandled", 480],
  ["agent", 160],
  ["email", 80],
  ["customEscalation", 60],
  ["failedEscalation", 50],
  ["bot_handled", 10],
];
const escalatedStatuses = new Set(["agent", "email", "customEscalation"]);
const botResolutions: readonly (readonly [string, number])[] = [
  ["resolved", 50],
  ["informed", 40],
  ["escalated", 10],
];
const automatedResolutions: readonly (readonly [string, number])[] = [
  ["true", 70],
  ["false", 20],
  ["", 10],
];
const notUnderstoodCounts: readonly (readonly [number, number])[] = [
  [0, 70],
  [1, 20],
  [2, 10],
];
const useCaseCounts: readonly (readonly [number, number])[] = [
  [0, 15],
  [1, 55],
  [2, 22],
  [3, 8],
];
type LengthShape = "short" | "hours" | "days";
const emailLengths: readonly (readonly [LengthShape, number])[] = [
  ["hours", 40],
  ["days", 60],
];
const liveLengths: readonly (readonly [LengthShape, number])[] = [
  ["short", 80],
  ["hours", 15],
  ["days", 5],
];
const noKnowledge: KnowledgeCounts = {
  attempted: false,
  notUnderstood: 0,
  responseGenerated: 0,
  errorOccurred: 0,
  escalationRequired: 0,
  fallback: 0,
  sources: [],
};

export function generateConversation(bot: UltimateBot, day: number, index: number): Conversation {
  const random = new SeededRandom(mixSeed(bot.seed, day, index));
  const emailChannel = random.chance(0.2);
  const endTime = day * dayMilliseconds + random.int(0, dayMilliseconds - 1);
  const startTime = endTime - conversationLength(random, emailChannel);
  const suggestionEngine = random.chance(0.04);
  const status = suggestionEngine ? "agent" : random.weighted(statuses);
  const escalated = escalatedStatuses.has(status);
  const lastResolution = escalated ? "escalated" : random.weighted(botResolutions);
  const intents = pickIntents(random, escalated);
  const span = Math.max(1, endTime - startTime);
  const timedIntents = intents.map((intent, position) => ({
    time: startTime + Math.floor(((position + 1) * span) / (intents.length + 2)),
    intent,
    procedure: !intent.notMeaningful && random.chance(0.3),
  }));
  const knowledge = knowledgeCounts(random, escalated);
  const customerMessages = intents.length + random.int(0, 3);
  const language = random.weighted(vocabulary.languages);
  return {
    conversationId: uuid(random),
    platformConversationId: hexId(random, 24),
    startTime,
    endTime,
    language,
    emailChannel,
    chatSpelling: random.chance(0.3),
    labels: pickSome(random, vocabulary.labels, 3),
    segments: pickSome(random, vocabulary.segments, 2),
    sessionData: createSessionDataText(random, language),
    testMode: random.chance(0.03),
    status,
    lastResolution,
    resolutionUndefined: random.chance(0.05),
    automatedResolution: escalated ? "false" : random.weighted(automatedResolutions),
    automatedResolutionReasoning: random.pick(vocabulary.resolutionReasons),
    intents: timedIntents,
    botReplies: !suggestionEngine,
    knowledge,
    // Suggestion-engine conversations carry bot_messages_count "0" (seeds 003 and 004 FAQ).
    botMessages: suggestionEngine ? 0 : intents.length + knowledge.responseGenerated + random.int(1, 4),
    customerMessages,
    notUnderstoodMessages: Math.min(customerMessages, random.weighted(notUnderstoodCounts)),
  };
}

function conversationLength(random: SeededRandom, emailChannel: boolean): number {
  const minute = 60_000;
  const shape = random.weighted(emailChannel ? emailLengths : liveLengths);
  if (shape === "short") return random.int(15_000, 10 * minute);
  if (shape === "hours") return random.int(10 * minute, 120 * minute);
  return random.int(24 * 60 * minute, 74 * 60 * minute);
}

function pickIntents(random: SeededRandom, escalated: boolean): IntentDefinition[] {
  const intents: IntentDefinition[] = [];
  if (random.chance(0.7)) intents.push(vocabulary.greetingIntent);
  const useCases = random.weighted(useCaseCounts);
  for (let count = 0; count < useCases; count++) intents.push(random.pick(vocabulary.useCaseIntents));
  if (random.chance(0.2)) intents.push(random.pick(vocabulary.smallTalkIntents));
  if (escalated && random.chance(0.6)) intents.push(vocabulary.humanHandoverIntent);
  return intents;
}

function knowledgeCounts(random: SeededRandom, escalated: boolean): KnowledgeCounts {
  if (!random.chance(0.35)) return noKnowledge;
  const sourceCount = random.int(1, 3);
  const sources = Array.from({ length: sourceCount }, () => {
    const articleNumber = random.int(1000, 9999);
    return {
      title: random.pick(vocabulary.articleTitles),
      url: `https://help.example.com/hc/en-us/articles/${articleNumber}`,
    };
  });
  return {
    attempted: true,
    notUnderstood: random.chance(0.25) ? 1 : 0,
    responseGenerated: random.int(1, 3),
    errorOccurred: random.chance(0.05) ? 1 : 0,
    escalationRequired: escalated ? random.int(0, 1) : 0,
    fallback: random.chance(0.15) ? 1 : 0,
    sources,
  };
}

function pickSome<T>(random: SeededRandom, items: readonly T[], most: number): T[] {
  const count = random.int(0, most);
  const chosen: T[] = [];
  for (let attempt = 0; attempt < count; attempt++) {
    const item = random.pick(items);
    if (!chosen.includes(item)) chosen.push(item);
  }
  return chosen;
}
