// Shapes of the records `GET /sa/call` returns (vendor-apis §2.5, from Voicegain's generated SDK models).
// Every field but `callId` is optional: a field with no value is absent from the JSON, never null.

/** Processing phases of a call (SDK `ProgressPhase`); only DONE and ERROR are terminal for export (seed 002). */
export const voicegainProgressPhases = [
  "INPUT_READY",
  "ACCEPTED",
  "WAITING",
  "QUEUED",
  "FETCHING",
  "FETCHED",
  "PROCESSING",
  "DONE",
  "STOPPED",
  "RECOMPUTING",
  "ERROR",
] as const;
export type VoicegainProgressPhase = (typeof voicegainProgressPhases)[number];

export const voicegainMarkerTypes = [
  "CC_ANSWER",
  "CC_AGENT_ANSWER",
  "WARM_TRANSFER_START",
  "WARM_TRANSFER_SUCCESS",
  "WARM_TRANSFER_ABANDON",
  "HOLD",
  "UNHOLD",
  "VM_START",
  "VM_END",
] as const;
export type VoicegainMarkerType = (typeof voicegainMarkerTypes)[number];

export const voicegainReviewStatuses = ["selected", "reviewed", "communicated", "viewed", "acknowledged"] as const;
export type VoicegainReviewStatus = (typeof voicegainReviewStatuses)[number];

export const voicegainRecomputePhases = ["requested", "queued", "processing", "completed", "error"] as const;
export type VoicegainRecomputePhase = (typeof voicegainRecomputePhases)[number];

export type VoicegainChannel = "left" | "right";
export type VoicegainDirection = "inbound" | "outbound";

export interface VoicegainAgent {
  /** External agent id (e.g. the Aircall user id); CSV column `agent.id`. */
  agentId?: string;
  email?: string;
  name?: string;
  /** Id of the agent user in the Speech Analytics App. */
  userId?: string;
  channel?: VoicegainChannel;
}

export interface VoicegainQueue {
  /** CSV column `queue.id`. */
  queueId?: string;
  name?: string;
}

export interface VoicegainMarker {
  /** Milliseconds from the start of the audio. */
  time: number;
  type: VoicegainMarkerType;
  note?: string;
}

export interface VoicegainSpeakerSentiment {
  speaker: "caller" | "agent";
  average: number;
  final: number;
  trend: number;
}

export interface VoicegainWordCloudItem {
  phrase: string;
  freq: number;
}

export interface VoicegainDtmfEvent {
  dtmf: string;
  /** Milliseconds from the start of the recording. */
  timestamp: number;
  channel: VoicegainChannel;
}

/** RTP quality keeps the vendor's snake_case keys inside a camelCase record (vendor-apis §2.8 #9). */
export interface VoicegainRtpQuality {
  in_jitter_loss: number;
  in_mos: number;
  in_packet_count: number;
  in_quality_pct: number;
  in_skip_count: number;
}

/** One call as the JSON export returns it (SDK `VoiceCall`). */
export interface VoicegainCall {
  /** A string in JSON although numeric everywhere else (vendor-apis §2.8 #1). */
  callId: string;
  accountId?: string;
  contextId?: string;
  /** RFC 3339, UTC. */
  startTime?: string;
  endTime?: string;
  /** Seconds. */
  duration?: number;
  direction?: VoicegainDirection;
  externalEndpoint?: string;
  internalEndpoint?: string;
  recording?: string;
  saSessionId?: string;
  agent?: VoicegainAgent;
  queue?: VoicegainQueue;
  team?: string;
  language?: string;
  tags?: string[];
  markers?: VoicegainMarker[];
  dtmfEvents?: VoicegainDtmfEvent[];
  numAudioChannels?: number;
  numSpkChannels?: number;
  version?: number;
  progressPhase?: VoicegainProgressPhase;
  recomputePhase?: VoicegainRecomputePhase;
  lastRecomputeTime?: string;
  /** Deprecated by the vendor: the caller channel's average; `sentiments` is current. */
  sentiment?: number;
  sentiments?: VoicegainSpeakerSentiment[];
  keywords?: string[];
  topics?: string[];
  /** LLM summary, several lines. */
  notes?: string;
  reviewNotes?: string;
  score?: number;
  /** CSV column `isCallResolved`; absent unless resolution detection is configured. */
  callResolved?: boolean;
  crAnswersId?: string;
  reviewStatus?: VoicegainReviewStatus;
  auditStatus?: "not_started" | "in_progress" | "complete";
  incidents?: number;
  wordCloud?: VoicegainWordCloudItem[];
  dailyRepeatCalls?: number;
  aivrAppId?: string;
  aivrSessionId?: string;
  aivrTransferDestType?: string;
  originatingCallId?: string;
  spawnedCalls?: string[];
  callCenterCallId?: string;
  businessOpenState?: "open" | "off-hours" | "closed";
  whoHungUp?: "us" | "other_party";
  abandoned?: boolean;
  queueWaitMs?: number;
  inboundRtpQuality?: VoicegainRtpQuality;
}

/** Field sets: the Dec 2024 SDK (closest to seed 002) or the 2026 SDK (vendor-apis §2.5). */
export type VoicegainProfile = "2024-12" | "2026";

export const voicegainDecember2024Fields: ReadonlySet<string> = new Set([
  "agent",
  "aivrAppId",
  "aivrSessionId",
  "callCenterCallId",
  "dailyRepeatCalls",
  "direction",
  "dtmfEvents",
  "endTime",
  "externalEndpoint",
  "internalEndpoint",
  "language",
  "markers",
  "numAudioChannels",
  "numSpkChannels",
  "originatingCallId",
  "queue",
  "recording",
  "startTime",
  "tags",
  "accountId",
  "aivrTransferDestType",
  "callId",
  "callResolved",
  "contextId",
  "crAnswersId",
  "duration",
  "incidents",
  "keywords",
  "notes",
  "progressPhase",
  "reviewNotes",
  "reviewStatus",
  "saSessionId",
  "score",
  "sentiment",
  "spawnedCalls",
  "topics",
  "version",
  "wordCloud",
]);

/** Fields a call has before speech analytics finishes (and when it ends in ERROR): telephony facts only. */
export const voicegainTelephonyFields: readonly (keyof VoicegainCall)[] = [
  "callId",
  "accountId",
  "contextId",
  "startTime",
  "endTime",
  "duration",
  "direction",
  "externalEndpoint",
  "internalEndpoint",
  "recording",
  "saSessionId",
  "agent",
  "queue",
  "language",
  "markers",
  "dtmfEvents",
  "numAudioChannels",
  "numSpkChannels",
  "version",
  "progressPhase",
  "auditStatus",
  "aivrAppId",
  "aivrSessionId",
  "aivrTransferDestType",
  "originatingCallId",
  "spawnedCalls",
  "callCenterCallId",
  "businessOpenState",
  "whoHungUp",
  "abandoned",
  "queueWaitMs",
];

export function isTerminalPhase(phase: VoicegainProgressPhase | undefined): boolean {
  return phase === "DONE" || phase === "ERROR";
}

/**
 * `derive`, computed once per call object: the store replaces a call that changes and never edits one in place, so
 * what was derived from a call stays right for as long as that object is served (each page is not built anew).
 */
export function oncePerCall<T extends NonNullable<unknown>>(
  derive: (call: VoicegainCall) => T,
): (call: VoicegainCall) => T {
  const derived = new WeakMap<VoicegainCall, T>();
  return (call) => {
    const known = derived.get(call);
    if (known !== undefined) return known;
    const value = derive(call);
    derived.set(call, value);
    return value;
  };
}
