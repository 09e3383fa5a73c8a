/**
 * The emulator's stored form of CCAI Insights resources. Times are epoch MICROseconds (so createTime can carry the
 * six fractional digits Google returns) and durations are MILLIseconds; `ccai-encoding.ts` turns these into the
 * proto3 JSON the REST API serves (vendor-apis §1.7-1.10). Names of projects/locations are not stored: the same data
 * is served under whatever parent the request names, so resource names are built at encoding time.
 */

export type CcaiMedium = "MEDIUM_UNSPECIFIED" | "PHONE_CALL" | "CHAT";
export type CcaiRole = "ROLE_UNSPECIFIED" | "HUMAN_AGENT" | "AUTOMATED_AGENT" | "END_USER" | "ANY_AGENT";
export type CcaiEntityType =
  | "PERSON"
  | "LOCATION"
  | "ORGANIZATION"
  | "EVENT"
  | "CONSUMER_GOOD"
  | "OTHER"
  | "PHONE_NUMBER"
  | "ADDRESS"
  | "DATE"
  | "PRICE";

export interface CcaiSentiment {
  magnitude: number;
  score: number;
}

export interface CcaiAgentInfo {
  agentId: string;
  displayName: string;
  team: string;
  dispositionCode: string;
  agentType: CcaiRole;
}

export interface CcaiQualityMetadata {
  /** 0 = not rated (omitted in JSON). */
  customerSatisfactionRating: number;
  waitDurationMs: number;
  menuPath: string;
  agentInfo: CcaiAgentInfo[];
}

export interface CcaiWord {
  startOffsetMs: number;
  endOffsetMs: number;
  word: string;
  /** 0 = unset (vendor-apis §1.8). */
  confidence: number;
}

export interface CcaiTranscriptSegment {
  text: string;
  confidence: number;
  words: CcaiWord[];
  languageCode: string;
  /** 0 = mono audio. */
  channelTag: number;
  role: CcaiRole;
  /** Chat messages carry a message time; 0 = none. */
  messageTimeMicros: number;
  sentiment: CcaiSentiment | undefined;
  smartReplyAllowlistCovered: boolean;
}

export interface CcaiBoundary {
  transcriptIndex: number;
  /** A oneof member in the proto, so it is emitted even at 0 when present (vendor-apis §1.10). */
  wordIndex: number | undefined;
}

export type CcaiAnnotationData =
  | { kind: "silenceData" }
  | { kind: "holdData" }
  | { kind: "interruptionData" }
  | { kind: "sentimentData"; sentiment: CcaiSentiment }
  | { kind: "intentMatchData"; intentUniqueId: string }
  | { kind: "phraseMatchData"; phraseMatcherId: string; displayName: string }
  | { kind: "entityMentionData"; entityUniqueId: string; mentionType: "PROPER" | "COMMON"; sentiment: CcaiSentiment }
  | { kind: "issueMatchData"; issueId: string; score: number; displayName: string };

export interface CcaiAnnotation {
  channelTag: number;
  start: CcaiBoundary;
  end: CcaiBoundary;
  data: CcaiAnnotationData;
}

export interface CcaiEntity {
  displayName: string;
  type: CcaiEntityType;
  metadata: Record<string, string>;
  salience: number;
  sentiment: CcaiSentiment | undefined;
}

export interface CcaiIssue {
  issueId: string;
  score: number;
  displayName: string;
}

export interface CcaiAnalysis {
  id: string;
  requestTimeMicros: number;
  createTimeMicros: number;
  endTimeMicros: number;
  /** One per channel; channelTag 0 for mono audio. */
  sentiments: { channelTag: number; sentiment: CcaiSentiment }[];
  silence: { durationMs: number; percentage: number };
  entities: Record<string, CcaiEntity>;
  intents: Record<string, { displayName: string }>;
  /** Keyed by phrase matcher id; rendered as `{parent}/phraseMatchers/{id}`. */
  phraseMatchers: Record<string, { displayName: string }>;
  /** Rendered as `{parent}/issueModels/{issueModelId}`; undefined when no issue model ran. */
  issueModelResult: { issueModelId: string; issues: CcaiIssue[] } | undefined;
  annotations: CcaiAnnotation[];
}

export interface CcaiConversation {
  id: string;
  /** Position in generation order; the transcript and analyses are derived from (seed, index). */
  index: number;
  createTimeMicros: number;
  updateTimeMicros: number;
  /** 0 = not set. */
  startTimeMicros: number;
  languageCode: string;
  agentId: string;
  labels: Record<string, string>;
  qualityMetadata: CcaiQualityMetadata;
  /** undefined for mono audio. */
  callMetadata: { customerChannel: number; agentChannel: number } | undefined;
  /**
   * Chats only, when the emulator is asked for it: the channel tag of each side's transcript segments (Google sends no
   * callMetadata for chats; the roles on the segments say who is who). Not a REST field.
   */
  chatChannels?: { customerChannel: number; agentChannel: number };
  audioUri: string;
  transcriptUri: string;
  medium: CcaiMedium;
  durationMs: number;
  turnCount: number;
  /** Oldest first; the last one is `latestAnalysis`. */
  analyses: CcaiAnalysis[];
}

/** A conversation with its transcript, as the FULL view and the BigQuery export see it. */
export interface CcaiFullConversation extends CcaiConversation {
  transcript: CcaiTranscriptSegment[];
}
