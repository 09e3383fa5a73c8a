import type { SeededRandom } from "../server/seeded-random.ts";
import type {
  VoicegainCall,
  VoicegainReviewStatus,
  VoicegainSpeakerSentiment,
  VoicegainWordCloudItem,
} from "./voicegain-records.ts";
import {
  keywordNames,
  reviewNoteTexts,
  summaryNextSteps,
  summaryOpenings,
  summaryOutcomes,
  tagNames,
  topicNames,
  wordCloudPhrases,
} from "./voicegain-vocabulary.ts";

export interface AnalyticsContext {
  dailyRepeatCalls: number;
  resolutionDetection: boolean;
  pools: AnalyticsPools;
  uuid: () => string;
}

/**
 * Lists and summaries are drawn from seeded pools and shared between records: 200,000 calls then cost a fraction
 * of the memory and time (records are never mutated, so sharing is safe).
 */
export interface AnalyticsPools {
  tags: readonly string[][];
  keywords: readonly string[][];
  topics: readonly string[][];
  notes: readonly string[];
  wordClouds: readonly VoicegainWordCloudItem[][];
}

const poolSize = 256;

export function createAnalyticsPools(random: SeededRandom): AnalyticsPools {
  const lists = (items: readonly string[], minimum: number, maximum: number): string[][] =>
    Array.from({ length: poolSize }, () => sample(random, items, random.int(minimum, maximum)));
  const notes: string[] = [];
  for (const opening of summaryOpenings) {
    for (const outcome of summaryOutcomes) {
      for (const nextStep of summaryNextSteps) notes.push(`${opening}.\n${outcome}\n${nextStep}`);
    }
  }
  return {
    tags: lists(tagNames, 1, 4),
    keywords: lists(keywordNames, 1, 4),
    topics: lists(topicNames, 1, 3),
    notes,
    wordClouds: Array.from({ length: poolSize }, () => {
      let frequency = random.int(8, 30);
      return sample(random, wordCloudPhrases, random.int(4, 12)).map((phrase) => {
        frequency = Math.max(1, frequency - random.int(0, 4));
        return { phrase, freq: frequency };
      });
    }),
  };
}

/** Adds what speech analytics computes once a call is DONE: sentiment, topics, LLM notes, QA review, word cloud. */
export function addAnalytics(random: SeededRandom, call: VoicegainCall, context: AnalyticsContext): void {
  const caller = speakerSentiment(random, "caller");
  call.sentiment = caller.average;
  call.sentiments = call.agent ? [caller, speakerSentiment(random, "agent")] : [caller];
  const pools = context.pools;
  call.tags = random.pick(pools.tags);
  if (random.chance(0.8)) call.keywords = random.pick(pools.keywords);
  call.topics = random.pick(pools.topics);
  call.notes = random.pick(pools.notes);
  if (call.agent && random.chance(0.55)) {
    call.crAnswersId = context.uuid();
    call.score = random.chance(0.3) ? random.int(80, 199) / 2 : random.int(40, 100);
    const status = random.weighted<VoicegainReviewStatus | undefined>([
      [undefined, 3],
      ["selected", 2],
      ["reviewed", 3],
      ["communicated", 1],
      ["acknowledged", 1],
    ]);
    if (status) call.reviewStatus = status;
    if (status && status !== "selected" && random.chance(0.6)) call.reviewNotes = random.pick(reviewNoteTexts);
    call.auditStatus = status && status !== "selected" ? "complete" : "not_started";
  }
  if (context.resolutionDetection && random.chance(0.85)) call.callResolved = random.chance(0.7);
  call.incidents = random.weighted([
    [0, 5],
    [1, 3],
    [2, 2],
    [random.int(3, 8), 1],
  ]);
  call.wordCloud = random.pick(pools.wordClouds);
  call.dailyRepeatCalls = context.dailyRepeatCalls;
  call.inboundRtpQuality = {
    in_jitter_loss: random.int(0, 40) / 10,
    in_mos: random.int(35, 44) / 10,
    in_packet_count: (call.duration ?? 0) * 50,
    in_quality_pct: random.int(880, 1000) / 10,
    in_skip_count: random.int(0, 12),
  };
}

function speakerSentiment(random: SeededRandom, speaker: "caller" | "agent"): VoicegainSpeakerSentiment {
  return {
    speaker,
    average: round(random.next() * 2 - 1),
    final: round(random.next() * 2 - 1),
    trend: round(random.next() * 4 - 2),
  };
}

/** Two decimals, never -0 (JSON cannot carry it, so a record would not survive a round trip unchanged). */
function round(value: number): number {
  return Math.round(value * 100) / 100 || 0;
}

/** `count` distinct items in random order. */
export function sample<T>(random: SeededRandom, items: readonly T[], count: number): T[] {
  const pool = items.slice();
  const picked: T[] = [];
  while (picked.length < count && pool.length > 0) {
    const index = random.int(0, pool.length - 1);
    picked.push(pool[index] as T);
    pool.splice(index, 1);
  }
  return picked;
}
