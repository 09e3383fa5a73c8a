import { SeededRandom } from "../server/seeded-random.ts";
import { generateCcaiAnalysis } from "./ccai-generator-analysis.ts";
import { type CcaiTranscriptLines, generateCcaiTranscript } from "./ccai-generator-transcript.ts";
import type {
  CcaiAgentInfo,
  CcaiAnalysis,
  CcaiConversation,
  CcaiMedium,
  CcaiTranscriptSegment,
} from "./ccai-records.ts";

export interface CcaiGeneratorOptions {
  seed: number;
  /** Creation time of conversation 0; each later index is created about ten minutes after the previous one. */
  baseTime?: string;
  /**
   * Every n-th conversation with an agent gets a top-level `agentId` that differs from its
   * `qualityMetadata.agentInfo[0].agentId` (a CRM's id for the same person). Both are user-supplied in Google's API,
   * so nothing keeps them equal; V4+ exports keep only `agents[]` (from agentInfo). Default: never.
   */
  agentIdMismatchEvery?: number;
  /** What transcripts say; default a fixed set of support-call lines. */
  transcriptLines?: CcaiTranscriptLines;
  /**
   * Chats' transcript segments carry channel tags (customer 1, agent 2) beside their participant roles, and their
   * analyses per-channel sentiments (default true); false: every chat segment is on channel 0.
   */
  chatChannelTags?: boolean;
}

const spacingMicros = 600_000_000;

const agents: readonly CcaiAgentInfo[] = [
  { agentId: "007", displayName: "J. Bond", team: "billing", dispositionCode: "", agentType: "HUMAN_AGENT" },
  { agentId: "A1", displayName: "Ada Park", team: "billing", dispositionCode: "", agentType: "HUMAN_AGENT" },
  { agentId: "agent-101", displayName: "Rui Costa", team: "support", dispositionCode: "", agentType: "HUMAN_AGENT" },
  { agentId: "agent-102", displayName: "Mia Chen", team: "support", dispositionCode: "", agentType: "HUMAN_AGENT" },
  { agentId: "agent-205", displayName: "Ola Berg", team: "sales", dispositionCode: "", agentType: "HUMAN_AGENT" },
  { agentId: "bot-1", displayName: "Virtual agent", team: "", dispositionCode: "", agentType: "AUTOMATED_AGENT" },
];

const queues = ["billing", "support", "sales", "retention"] as const;
const dispositions = ["RESOLVED", "ESCALATED", "CALLBACK"] as const;

/** A 32-bit seed for one (seed, index, stream) triple, so conversation i never depends on conversations before it. */
export function mixSeed(seed: number, index: number, stream: number): number {
  let hash = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(index + 0x632be5ab, 0xc2b2ae35);
  hash = Math.imul(hash ^ (hash >>> 13), 0x27d4eb2f) ^ Math.imul(stream + 1, 0x165667b1);
  return (hash ^ (hash >>> 16)) >>> 0;
}

/**
 * Deterministic CCAI conversations: the same (seed, index) always gives the same conversation, transcript and
 * analyses. Some fields are deliberately zero (unrated CSAT, mono audio, zero turns, unspecified medium) so that the
 * proto3 rule "defaults are omitted" is exercised (vendor-apis §1.10).
 */
export class CcaiGenerator {
  readonly seed: number;
  readonly agentIdMismatchEvery: number | undefined;
  readonly chatChannelTags: boolean;
  readonly baseTimeMicros: number;
  readonly #transcriptLines: CcaiTranscriptLines | undefined;

  constructor(options: CcaiGeneratorOptions) {
    this.seed = options.seed;
    this.agentIdMismatchEvery = options.agentIdMismatchEvery;
    this.#transcriptLines = options.transcriptLines;
    this.chatChannelTags = options.chatChannelTags ?? true;
    this.baseTimeMicros = Date.parse(options.baseTime ?? "2024-05-01T00:00:00Z") * 1000;
  }

  conversation(index: number): CcaiConversation {
    const random = new SeededRandom(mixSeed(this.seed, index, 0));
    const medium: CcaiMedium = random.weighted<CcaiMedium>([
      ["PHONE_CALL", 65],
      ["CHAT", 30],
      ["MEDIUM_UNSPECIFIED", 5],
    ]);
    const phone = medium !== "CHAT";
    const precision = random.pick([1_000_000, 1000, 1]);
    const jitter = Math.floor(random.int(0, spacingMicros - 1) / precision) * precision;
    const createTimeMicros = this.baseTimeMicros + index * spacingMicros + jitter;
    const turnCount = random.chance(0.04) ? 0 : phone ? random.int(4, 30) : random.int(2, 20);
    const durationMs =
      turnCount === 0 ? 0 : random.chance(0.2) ? random.int(30, 1200) * 1000 : random.int(30_000, 1_200_000);
    const startTimeMicros = random.chance(0.05)
      ? 0
      : createTimeMicros - durationMs * 1000 - random.int(60, 7200) * 1_000_000;
    const mono = phone && random.chance(0.15);
    const agentFirst = random.chance(0.5);
    const agent = random.chance(0.08) ? undefined : random.pick(agents);
    const labels: Record<string, string> = {};
    if (random.chance(0.85)) labels.queue = random.pick(queues);
    if (random.chance(0.2)) labels.vip = "";
    if (random.chance(0.3)) labels.region = random.pick(["emea", "amer", "apac"]);
    const id = String(random.int(1, 9)) + Array.from({ length: 18 }, () => random.int(0, 9)).join("");
    const conversation: CcaiConversation = {
      id,
      index,
      createTimeMicros,
      updateTimeMicros: createTimeMicros,
      startTimeMicros,
      languageCode: random.weighted([
        ["en-US", 85],
        ["es-US", 10],
        ["de-DE", 5],
      ]),
      agentId:
        agent === undefined
          ? ""
          : this.agentIdMismatchEvery !== undefined && index % this.agentIdMismatchEvery === 0
            ? `crm-${agent.agentId}`
            : agent.agentId,
      labels,
      qualityMetadata: {
        customerSatisfactionRating: random.chance(0.4) ? 0 : random.int(1, 5),
        waitDurationMs: phone && random.chance(0.7) ? random.int(0, 300) * 500 : 0,
        menuPath: phone && random.chance(0.5) ? random.pick(["1>2", "1>3>1", "2"]) : "",
        agentInfo: agent ? [{ ...agent, dispositionCode: random.chance(0.5) ? random.pick(dispositions) : "" }] : [],
      },
      // Call-specific metadata (Google: "Call-specific metadata"): chats have none.
      callMetadata:
        mono || !phone
          ? undefined
          : agentFirst
            ? { agentChannel: 1, customerChannel: 2 }
            : { agentChannel: 2, customerChannel: 1 },
      audioUri: phone ? `gs://parley-sandbox-audio/${id}.wav` : "",
      transcriptUri: `gs://parley-sandbox-transcripts/${id}.json`,
      medium,
      durationMs,
      turnCount,
      analyses: [],
      ...(!phone && this.chatChannelTags ? { chatChannels: { customerChannel: 1, agentChannel: 2 } } : {}),
    };
    if (random.chance(0.8)) {
      const analysedAt = createTimeMicros + random.int(60, 1800) * 1_000_000;
      conversation.analyses.push(this.analysis(conversation, 0, analysedAt));
      if (random.chance(0.15)) {
        conversation.analyses.push(this.analysis(conversation, 1, analysedAt + random.int(3600, 86_400) * 1_000_000));
      }
      const latest = conversation.analyses.at(-1);
      if (latest) conversation.updateTimeMicros = latest.createTimeMicros;
    }
    return conversation;
  }

  transcript(conversation: CcaiConversation): CcaiTranscriptSegment[] {
    const random = new SeededRandom(mixSeed(this.seed, conversation.index, 1));
    return generateCcaiTranscript(random, conversation, this.#transcriptLines);
  }

  /** Analysis number `number` (0 = first) of a conversation, finished at `createTimeMicros`. */
  analysis(conversation: CcaiConversation, number: number, createTimeMicros: number): CcaiAnalysis {
    const random = new SeededRandom(mixSeed(this.seed, conversation.index, 100 + number));
    return generateCcaiAnalysis(random, conversation, this.transcript(conversation), createTimeMicros);
  }
}
