import type { ColumnDefinition, JsonShape, MergeStreamDefinition } from "@parley/core";

const integer = (name: string, description: string): ColumnDefinition => ({ name, type: "integer", description });
const float = (name: string, description: string): ColumnDefinition => ({ name, type: "float", description });
const string = (name: string, description: string): ColumnDefinition => ({ name, type: "string", description });
const json = (name: string, description: string, shape: JsonShape = "list of objects"): ColumnDefinition => ({
  name,
  type: "json",
  shape,
  description,
});
const timestamp = (name: string, description: string): ColumnDefinition => ({ name, type: "timestamp", description });

/**
 * One row per conversation. Column names and meanings follow Google's BigQuery export schema (vendor-apis §1.13), so
 * the staging view over a native export (sql/ccai/export) yields the same columns and every metric view reads either.
 * The export's epoch-second INTEGER columns are kept; the `*Timestamp` columns are Parley's TIMESTAMP companions
 * (`startTimestamp` is the V5 export's own column). Nested records are json columns shaped like the export's records.
 */
export const conversationsStream: MergeStreamDefinition = {
  name: "conversations",
  description: "CCAI Insights conversations with their latest analysis; merged on conversationName",
  writeDisposition: "merge",
  primaryKey: ["conversationName"],
  eventTimeColumn: "loadTimestamp",
  columns: [
    {
      name: "conversationName",
      type: "string",
      nullable: false,
      description: "projects/{p}/locations/{l}/conversations/{id}",
    },
    string("audioFileUri", "dataSource.gcsSource.audioUri"),
    string(
      "agentId",
      "The conversation's agent: agents[0].agentId when it names one, else the top-level agentId (one rule for the pull and export paths: V4+ exports deprecate agentId in favour of agents)",
    ),
    integer("startTimestampUtc", "startTime, epoch seconds"),
    integer("loadTimestampUtc", "createTime (loaded into Insights), epoch seconds"),
    integer("analysisTimestampUtc", "latestAnalysis.createTime, epoch seconds"),
    integer("conversationUpdateTimestampUtc", "updateTime, epoch seconds"),
    integer("year", "UTC year of loadTimestampUtc"),
    integer("month", "UTC month of loadTimestampUtc"),
    integer("day", "UTC day of month of loadTimestampUtc"),
    integer("durationNanos", "duration in nanoseconds; 0 when Google omits it"),
    integer("silenceNanos", "latest analysis silence duration; NULL when never analysed"),
    float("silencePercentage", "latest analysis silence percentage; NULL when never analysed"),
    float("agentSpeakingPercentage", "sum of agent-channel word durations / duration (phone, two channels, FULL view)"),
    float(
      "clientSpeakingPercentage",
      "sum of customer-channel word durations / duration (phone, two channels, FULL view)",
    ),
    float("agentSentimentScore", "latest analysis sentiment of callMetadata.agentChannel"),
    float("agentSentimentMagnitude", "latest analysis sentiment of callMetadata.agentChannel"),
    float("clientSentimentScore", "latest analysis sentiment of callMetadata.customerChannel"),
    float("clientSentimentMagnitude", "latest analysis sentiment of callMetadata.customerChannel"),
    string("transcript", "segment texts joined with spaces; NULL unless includeTranscripts"),
    integer("turnCount", "turnCount; 0 when Google omits it"),
    string("languageCode", "languageCode"),
    string("medium", "PHONE_CALL, CHAT or MEDIUM_UNSPECIFIED (omitted by Google)"),
    json("issues", "[{name, score, issueModelId, issueId}] of the latest analysis"),
    json("entities", "[{name, type, sentimentScore, sentimentMagnitude, salience, speakerTag}]"),
    json("labels", "[{key, value}] sorted by key"),
    json(
      "words",
      "[{word, startOffsetNanos, endOffsetNanos, speakerTag, languageCode}]; NULL unless includeTranscripts",
    ),
    json("sentences", "export-shaped transcript sentences; NULL unless includeTranscripts"),
    json(
      "latestSummary",
      "{text, textSections[{key,value}], confidence, metadata[{key,value}], answerRecord, conversationModel}",
      "object",
    ),
    json("agents", "[{agentId, agentDisplayName, agentTeam}] from qualityMetadata.agentInfo"),
    timestamp("startTimestamp", "startTime (the V5 export's TIMESTAMP column)"),
    timestamp("loadTimestamp", "createTime"),
    timestamp("analysisTimestamp", "latestAnalysis.createTime"),
    timestamp("conversationUpdateTimestamp", "updateTime, full precision"),
    json(
      "rawConversation",
      "The conversation as Google sent it, minus the transcript: fields Parley does not map are kept here",
      "object",
    ),
  ],
};

/** Every analysis of a conversation (config `includeAnalyses`), not only the latest one. */
export const analysesStream: MergeStreamDefinition = {
  name: "analyses",
  description: "Every CCAI Insights analysis of the conversations read; merged on analysisName",
  writeDisposition: "merge",
  primaryKey: ["analysisName"],
  eventTimeColumn: "createTimestamp",
  columns: [
    { name: "analysisName", type: "string", nullable: false, description: "…/conversations/{c}/analyses/{a}" },
    { name: "conversationName", type: "string", nullable: false, description: "The analysed conversation" },
    timestamp("requestTimestamp", "requestTime"),
    timestamp("createTimestamp", "createTime (when the analysis finished)"),
    timestamp("endTimestamp", "analysisResult.endTime"),
    float("agentSentimentScore", "sentiment of callMetadata.agentChannel"),
    float("agentSentimentMagnitude", "sentiment of callMetadata.agentChannel"),
    float("clientSentimentScore", "sentiment of callMetadata.customerChannel"),
    float("clientSentimentMagnitude", "sentiment of callMetadata.customerChannel"),
    integer("silenceNanos", "silence duration"),
    float("silencePercentage", "silence percentage"),
    json("issues", "[{name, score, issueModelId, issueId}]"),
    json("entities", "[{name, type, sentimentScore, sentimentMagnitude, salience, speakerTag}]"),
    json("intents", "[{intentId, displayName}] from the intents map"),
    json("phraseMatchers", "[{phraseMatcherId, displayName}] from the phraseMatchers map"),
    json("rawAnalysis", "The analysis as Google sent it", "object"),
  ],
};
