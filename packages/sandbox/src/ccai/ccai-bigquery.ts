import type { CcaiAnnotationData, CcaiFullConversation, CcaiSentiment } from "./ccai-records.ts";

/** "v3": the complete V3 column set; "v4": V3 without the deprecated agentId, plus conversationUpdateTimestampUtc and agents[] (vendor-apis §1.13). */
export type CcaiBigQuerySchema = "v3" | "v4";

export interface CcaiBigQuerySentence {
  sentence: string;
  sentimentScore: number | null;
  sentimentMagnitude: number | null;
  speakerTag: number | null;
  languageCode: string | null;
  startOffsetNanos: number | null;
  endOffsetNanos: number | null;
  /** Decimal string: epoch nanoseconds do not fit a JavaScript number exactly. */
  createTimeNanos: string | null;
  participantId: string | null;
  participantRole: string | null;
  obfuscatedExternalUserId: string | null;
  isCoveredBySmartReplyAllowlist: boolean | null;
  annotations: unknown[];
  intentMatchData: { intentId: string; displayName: string }[];
  phraseMatchData: { phraseMatcherId: string; revisionId: string | null; displayName: string }[];
  highlightData: { highlighterName: string; displayName: string; type: string }[];
  dialogflowIntentMatchData: { intentName: string; displayName: string; maxConfidence: number }[];
}

/** One exported row. INTEGER columns are numbers (all fit 2^53 except createTimeNanos); NULLABLE columns use null. */
export interface CcaiBigQueryRow {
  conversationName: string;
  audioFileUri: string | null;
  agentId?: string | null;
  dialogflowConversationProfileId: string | null;
  startTimestampUtc: number | null;
  loadTimestampUtc: number;
  analysisTimestampUtc: number | null;
  conversationUpdateTimestampUtc?: number;
  year: number;
  month: number;
  day: number;
  durationNanos: number;
  silenceNanos: number | null;
  silencePercentage: number | null;
  agentSpeakingPercentage: number | null;
  clientSpeakingPercentage: number | null;
  agentSentimentScore: number | null;
  agentSentimentMagnitude: number | null;
  clientSentimentScore: number | null;
  clientSentimentMagnitude: number | null;
  transcript: string;
  turnCount: number;
  languageCode: string | null;
  medium: string;
  issues: { name: string; score: number; issueModelId: string; issueId: string }[];
  entities: {
    name: string;
    type: string;
    sentimentScore: number | null;
    sentimentMagnitude: number | null;
    salience: number;
    speakerTag: number | null;
  }[];
  labels: { key: string; value: string }[];
  words: { word: string; startOffsetNanos: number; endOffsetNanos: number; speakerTag: number; languageCode: string }[];
  sentences: CcaiBigQuerySentence[];
  latestSummary: null;
  agents?: { agentId: string; agentDisplayName: string; agentTeam: string }[];
}

const seconds = (micros: number) => Math.floor(micros / 1_000_000);
const nanos = (milliseconds: number) => milliseconds * 1_000_000;

/** Which exportSchemaVersion produces which row shape; unspecified falls back to V3 (vendor-apis §1.12, §1.14 #9). */
export function bigQuerySchemaFor(exportSchemaVersion: string): CcaiBigQuerySchema {
  const match = /^EXPORT_V(\d+)$/.exec(exportSchemaVersion);
  if (match) return Number(match[1]) >= 4 ? "v4" : "v3";
  return exportSchemaVersion === "EXPORT_VERSION_LATEST_AVAILABLE" ? "v4" : "v3";
}

const agentRoles = new Set(["HUMAN_AGENT", "AUTOMATED_AGENT", "ANY_AGENT"]);

/** A chat's sides, from its transcript: the one channel tag each role uses (agent roles vs END_USER), if distinct. */
function chatChannels(
  conversation: CcaiFullConversation,
): { agentChannel: number; customerChannel: number } | undefined {
  const agent = new Set<number>();
  const customer = new Set<number>();
  for (const segment of conversation.transcript) {
    if (segment.role === "END_USER") customer.add(segment.channelTag);
    else if (agentRoles.has(segment.role)) agent.add(segment.channelTag);
  }
  const [agentChannel] = agent;
  const [customerChannel] = customer;
  if (agent.size !== 1 || customer.size !== 1 || agentChannel === undefined || customerChannel === undefined)
    return undefined;
  if (agentChannel === 0 || customerChannel === 0 || agentChannel === customerChannel) return undefined;
  return { agentChannel, customerChannel };
}

/**
 * Maps a conversation to the BigQuery export schema: maps become {key,value} records, durations *Nanos, times
 * epoch seconds, per-channel sentiments become agent and client columns picked by callMetadata (vendor-apis §1.13.1). How speaking
 * percentages, the transcript text and mono sentiments are derived is not documented [I]: speaking time is the sum of
 * word durations per channel, the transcript joins segment texts with spaces, mono audio has no agent/client split.
 */
export function toCcaiBigQueryRow(
  conversation: CcaiFullConversation,
  parent: string,
  schema: CcaiBigQuerySchema = "v3",
): CcaiBigQueryRow {
  const analysis = conversation.analyses.at(-1);
  const channels = conversation.callMetadata ?? chatChannels(conversation);
  const channelSentiment = (channel: number | undefined): CcaiSentiment | undefined =>
    channel === undefined ? undefined : analysis?.sentiments.find((item) => item.channelTag === channel)?.sentiment;
  const speaking = (channel: number | undefined): number | null => {
    if (channel === undefined || conversation.durationMs === 0 || conversation.medium === "CHAT") return null;
    const spoken = conversation.transcript
      .filter((segment) => segment.channelTag === channel)
      .flatMap((segment) => segment.words)
      .reduce((sum, word) => sum + (word.endOffsetMs - word.startOffsetMs), 0);
    return Math.round((spoken / conversation.durationMs) * 10_000) / 10_000;
  };
  const agentSentiment = channelSentiment(channels?.agentChannel);
  const clientSentiment = channelSentiment(channels?.customerChannel);
  const load = new Date(seconds(conversation.createTimeMicros) * 1000);
  const annotationsAt = <K extends CcaiAnnotationData["kind"]>(index: number, kind: K) =>
    (analysis?.annotations ?? [])
      .filter((annotation) => annotation.start.transcriptIndex === index && annotation.data.kind === kind)
      .map((annotation) => annotation.data as Extract<CcaiAnnotationData, { kind: K }>);
  const row: CcaiBigQueryRow = {
    conversationName: `${parent}/conversations/${conversation.id}`,
    audioFileUri: conversation.audioUri || null,
    ...(schema === "v3" ? { agentId: conversation.agentId || null } : {}),
    dialogflowConversationProfileId: null,
    startTimestampUtc: conversation.startTimeMicros ? seconds(conversation.startTimeMicros) : null,
    loadTimestampUtc: seconds(conversation.createTimeMicros),
    analysisTimestampUtc: analysis ? seconds(analysis.createTimeMicros) : null,
    ...(schema === "v4" ? { conversationUpdateTimestampUtc: seconds(conversation.updateTimeMicros) } : {}),
    year: load.getUTCFullYear(),
    month: load.getUTCMonth() + 1,
    day: load.getUTCDate(),
    durationNanos: nanos(conversation.durationMs),
    silenceNanos: analysis ? nanos(analysis.silence.durationMs) : null,
    silencePercentage: analysis ? analysis.silence.percentage : null,
    agentSpeakingPercentage: speaking(channels?.agentChannel),
    clientSpeakingPercentage: speaking(channels?.customerChannel),
    agentSentimentScore: agentSentiment?.score ?? null,
    agentSentimentMagnitude: agentSentiment?.magnitude ?? null,
    clientSentimentScore: clientSentiment?.score ?? null,
    clientSentimentMagnitude: clientSentiment?.magnitude ?? null,
    transcript: conversation.transcript.map((segment) => segment.text).join(" "),
    turnCount: conversation.turnCount,
    languageCode: conversation.languageCode || null,
    medium: conversation.medium,
    issues: (analysis?.issueModelResult?.issues ?? []).map((issue) => ({
      name: issue.displayName,
      score: issue.score,
      issueModelId: analysis?.issueModelResult?.issueModelId ?? "",
      issueId: issue.issueId,
    })),
    entities: Object.values(analysis?.entities ?? {}).map((entity) => ({
      name: entity.displayName,
      type: entity.type,
      sentimentScore: entity.sentiment?.score ?? null,
      sentimentMagnitude: entity.sentiment?.magnitude ?? null,
      salience: entity.salience,
      speakerTag: null,
    })),
    labels: Object.keys(conversation.labels)
      .sort()
      .map((key) => ({ key, value: conversation.labels[key] ?? "" })),
    words: conversation.transcript.flatMap((segment) =>
      segment.words.map((word) => ({
        word: word.word,
        startOffsetNanos: nanos(word.startOffsetMs),
        endOffsetNanos: nanos(word.endOffsetMs),
        speakerTag: segment.channelTag,
        languageCode: segment.languageCode,
      })),
    ),
    sentences: conversation.transcript.map((segment, index) => ({
      sentence: segment.text,
      sentimentScore: segment.sentiment?.score ?? null,
      sentimentMagnitude: segment.sentiment?.magnitude ?? null,
      speakerTag: segment.channelTag,
      languageCode: segment.languageCode || null,
      startOffsetNanos: segment.words[0] ? nanos(segment.words[0].startOffsetMs) : null,
      endOffsetNanos: segment.words.at(-1) ? nanos(segment.words.at(-1)?.endOffsetMs ?? 0) : null,
      createTimeNanos: segment.messageTimeMicros ? `${segment.messageTimeMicros}000` : null,
      participantId: null,
      participantRole: segment.role,
      obfuscatedExternalUserId: null,
      isCoveredBySmartReplyAllowlist: segment.smartReplyAllowlistCovered,
      annotations: [],
      intentMatchData: annotationsAt(index, "intentMatchData").map((data) => ({
        intentId: data.intentUniqueId,
        displayName: analysis?.intents[data.intentUniqueId]?.displayName ?? "",
      })),
      phraseMatchData: annotationsAt(index, "phraseMatchData").map((data) => ({
        phraseMatcherId: data.phraseMatcherId,
        revisionId: null,
        displayName: data.displayName,
      })),
      highlightData: [],
      dialogflowIntentMatchData: [],
    })),
    latestSummary: null,
  };
  if (schema === "v4") {
    row.agents = conversation.qualityMetadata.agentInfo.map((agent) => ({
      agentId: agent.agentId,
      agentDisplayName: agent.displayName,
      agentTeam: agent.team,
    }));
  }
  return row;
}
