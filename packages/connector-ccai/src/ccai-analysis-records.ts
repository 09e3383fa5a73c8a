import {
  durationNanosAt,
  isObject,
  type JsonObject,
  lastSegment,
  listAt,
  numberAt,
  objectAt,
  stringAt,
  timestampAt,
} from "./ccai-proto.ts";

/** `callMetadata` says which channel is the agent and which the customer; absent for mono audio (vendor-apis §1.7). */
export interface Channels {
  readonly agent: number;
  readonly customer: number;
}

const agentRoles = new Set(["HUMAN_AGENT", "AUTOMATED_AGENT", "ANY_AGENT"]);

/**
 * Which channel is the agent and which the customer. Calls say so in `callMetadata`. Chats have none; their
 * transcript segments name each speaker's `segmentParticipant.role` (HUMAN_AGENT, AUTOMATED_AGENT, ANY_AGENT: an
 * agent; END_USER: the customer) beside its `channelTag`, the key of the per-channel sentiments. So a chat's
 * channels are those its segments use per role, when each side uses exactly one tag (not 0) and they differ.
 */
export function channelsOf(conversation: JsonObject): Channels | undefined {
  const metadata = objectAt(conversation, "callMetadata");
  if (metadata !== undefined)
    return { agent: numberAt(metadata, "agentChannel"), customer: numberAt(metadata, "customerChannel") };
  const agent = new Set<number>();
  const customer = new Set<number>();
  for (const segment of listAt(objectAt(conversation, "transcript"), "transcriptSegments")) {
    const role = stringAt(objectAt(segment, "segmentParticipant"), "role");
    const channel = numberAt(segment, "channelTag");
    if (role === "END_USER") customer.add(channel);
    else if (role !== undefined && agentRoles.has(role)) agent.add(channel);
  }
  const [agentChannel] = agent;
  const [customerChannel] = customer;
  if (agent.size !== 1 || customer.size !== 1 || agentChannel === undefined || customerChannel === undefined)
    return undefined;
  if (agentChannel === 0 || customerChannel === 0 || agentChannel === customerChannel) return undefined;
  return { agent: agentChannel, customer: customerChannel };
}

export function callAnalysisMetadata(analysis: JsonObject | undefined): JsonObject | undefined {
  return analysis === undefined
    ? undefined
    : (objectAt(objectAt(analysis, "analysisResult"), "callAnalysisMetadata") ?? {});
}

/** Per-channel sentiment: `channelTag` 0 is omitted, and so are a score or magnitude of 0 (vendor-apis §1.9, §1.10). */
function channelSentiment(metadata: JsonObject, channel: number | undefined) {
  if (channel === undefined) return { score: null, magnitude: null };
  const entry = listAt(metadata, "sentiments").find((item) => numberAt(item, "channelTag") === channel);
  if (entry === undefined) return { score: null, magnitude: null };
  const data = objectAt(entry, "sentimentData");
  return { score: numberAt(data, "score"), magnitude: numberAt(data, "magnitude") };
}

/** The export's columns that come from one analysis (vendor-apis §1.13.1); NULLs when there is no analysis. */
export function analysisColumns(analysis: JsonObject | undefined, channels: Channels | undefined) {
  const metadata = callAnalysisMetadata(analysis);
  if (metadata === undefined) {
    return {
      silenceNanos: null,
      silencePercentage: null,
      agentSentimentScore: null,
      agentSentimentMagnitude: null,
      clientSentimentScore: null,
      clientSentimentMagnitude: null,
      issues: [],
      entities: [],
    };
  }
  const silence = objectAt(metadata, "silence");
  const agent = channelSentiment(metadata, channels?.agent);
  const client = channelSentiment(metadata, channels?.customer);
  const issueModel = objectAt(metadata, "issueModelResult");
  const issueModelId = lastSegment(stringAt(issueModel, "issueModel")) ?? "";
  return {
    silenceNanos: durationNanosAt(silence, "silenceDuration"),
    silencePercentage: numberAt(silence, "silencePercentage"),
    agentSentimentScore: agent.score,
    agentSentimentMagnitude: agent.magnitude,
    clientSentimentScore: client.score,
    clientSentimentMagnitude: client.magnitude,
    issues: listAt(issueModel, "issues").map((issue) => ({
      name: stringAt(issue, "displayName") ?? "",
      score: numberAt(issue, "score"),
      issueModelId,
      issueId: lastSegment(stringAt(issue, "issue")) ?? "",
    })),
    entities: mapValues(objectAt(metadata, "entities")).map((entity) => {
      const sentiment = objectAt(entity, "sentiment");
      return {
        name: stringAt(entity, "displayName") ?? "",
        type: stringAt(entity, "type") ?? "TYPE_UNSPECIFIED",
        sentimentScore: sentiment === undefined ? null : numberAt(sentiment, "score"),
        sentimentMagnitude: sentiment === undefined ? null : numberAt(sentiment, "magnitude"),
        salience: numberAt(entity, "salience"),
        speakerTag: null,
      };
    }),
  };
}

/** Entities, intents and phrase matchers are maps keyed by id, not lists (vendor-apis §1.14 #7). */
export function mapValues(map: JsonObject | undefined): JsonObject[] {
  return Object.values(map ?? {}).filter(isObject);
}

/** A row of `ccai_analyses`. */
export function analysisRow(analysis: JsonObject, conversationName: string, channels: Channels | undefined) {
  const name = stringAt(analysis, "name");
  if (name === undefined || name === "") throw new Error('the analysis has no "name"');
  const metadata = callAnalysisMetadata(analysis) ?? {};
  const columns = analysisColumns(analysis, channels);
  const intents = objectAt(metadata, "intents") ?? {};
  const matchers = objectAt(metadata, "phraseMatchers") ?? {};
  return {
    analysisName: name,
    conversationName,
    requestTimestamp: timestampAt(analysis, "requestTime")?.iso ?? null,
    createTimestamp: timestampAt(analysis, "createTime")?.iso ?? null,
    endTimestamp: timestampAt(objectAt(analysis, "analysisResult"), "endTime")?.iso ?? null,
    ...columns,
    intents: Object.entries(intents).map(([id, intent]) => ({
      intentId: id,
      displayName: stringAt(intent, "displayName") ?? "",
    })),
    phraseMatchers: Object.entries(matchers).map(([id, matcher]) => ({
      phraseMatcherId: lastSegment(stringAt(matcher, "phraseMatcher")) ?? id,
      displayName: stringAt(matcher, "displayName") ?? "",
    })),
    rawAnalysis: analysis,
  };
}
