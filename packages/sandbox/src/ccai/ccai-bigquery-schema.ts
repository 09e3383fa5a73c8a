import type { CcaiBigQuerySchema } from "./ccai-bigquery.ts";

/** A BigQuery TableFieldSchema, as tables.insert takes it. */
export interface CcaiExportField {
  name: string;
  type: "STRING" | "INTEGER" | "FLOAT" | "BOOLEAN" | "JSON" | "RECORD";
  mode?: "REPEATED";
  fields?: CcaiExportField[];
}

const field = (name: string, type: CcaiExportField["type"]): CcaiExportField => ({ name, type });
const records = (name: string, fields: CcaiExportField[]): CcaiExportField => ({
  name,
  type: "RECORD",
  mode: "REPEATED",
  fields,
});
const keyValues = (name: string) => records(name, [field("key", "STRING"), field("value", "STRING")]);

/** The sentences record (vendor-apis §1.13.1). */
const sentence = records("sentences", [
  field("sentence", "STRING"),
  field("sentimentScore", "FLOAT"),
  field("sentimentMagnitude", "FLOAT"),
  field("speakerTag", "INTEGER"),
  field("languageCode", "STRING"),
  field("startOffsetNanos", "INTEGER"),
  field("endOffsetNanos", "INTEGER"),
  field("createTimeNanos", "INTEGER"),
  field("participantId", "STRING"),
  field("participantRole", "STRING"),
  field("obfuscatedExternalUserId", "STRING"),
  field("isCoveredBySmartReplyAllowlist", "BOOLEAN"),
  records("annotations", [
    field("annotationRecord", "JSON"),
    field("createTimeNanos", "INTEGER"),
    field("type", "STRING"),
    field("clicked", "BOOLEAN"),
    field("correctnessLevel", "STRING"),
    field("displayed", "BOOLEAN"),
    field("detailedFeedback", "JSON"),
  ]),
  records("intentMatchData", [field("intentId", "STRING"), field("displayName", "STRING")]),
  records("phraseMatchData", [
    field("phraseMatcherId", "STRING"),
    field("revisionId", "STRING"),
    field("displayName", "STRING"),
  ]),
  records("highlightData", [
    field("highlighterName", "STRING"),
    field("displayName", "STRING"),
    field("type", "STRING"),
  ]),
  records("dialogflowIntentMatchData", [
    field("intentName", "STRING"),
    field("displayName", "STRING"),
    field("maxConfidence", "FLOAT"),
  ]),
]);

/**
 * The columns of CCAI's BigQuery export table for a schema version (vendor-apis §1.13.1 V3 DDL, §1.13.2 V4 changes:
 * agentId deprecated, conversationUpdateTimestampUtc, agents and qaScorecardResults added), so tests and the sandbox
 * can create the table the export writes into (it must exist before the export).
 */
export function ccaiExportTableFields(schema: CcaiBigQuerySchema): CcaiExportField[] {
  return [
    field("conversationName", "STRING"),
    field("audioFileUri", "STRING"),
    ...(schema === "v3" ? [field("agentId", "STRING")] : []),
    field("dialogflowConversationProfileId", "STRING"),
    field("startTimestampUtc", "INTEGER"),
    field("loadTimestampUtc", "INTEGER"),
    field("analysisTimestampUtc", "INTEGER"),
    ...(schema === "v4" ? [field("conversationUpdateTimestampUtc", "INTEGER")] : []),
    field("year", "INTEGER"),
    field("month", "INTEGER"),
    field("day", "INTEGER"),
    field("durationNanos", "INTEGER"),
    field("silenceNanos", "INTEGER"),
    field("silencePercentage", "FLOAT"),
    field("agentSpeakingPercentage", "FLOAT"),
    field("clientSpeakingPercentage", "FLOAT"),
    field("agentSentimentScore", "FLOAT"),
    field("agentSentimentMagnitude", "FLOAT"),
    field("clientSentimentScore", "FLOAT"),
    field("clientSentimentMagnitude", "FLOAT"),
    field("transcript", "STRING"),
    field("turnCount", "INTEGER"),
    field("languageCode", "STRING"),
    field("medium", "STRING"),
    records("issues", [
      field("name", "STRING"),
      field("score", "FLOAT"),
      field("issueModelId", "STRING"),
      field("issueId", "STRING"),
    ]),
    records("entities", [
      field("name", "STRING"),
      field("type", "STRING"),
      field("sentimentScore", "FLOAT"),
      field("sentimentMagnitude", "FLOAT"),
      field("salience", "FLOAT"),
      field("speakerTag", "INTEGER"),
    ]),
    keyValues("labels"),
    records("words", [
      field("word", "STRING"),
      field("startOffsetNanos", "INTEGER"),
      field("endOffsetNanos", "INTEGER"),
      field("speakerTag", "INTEGER"),
      field("languageCode", "STRING"),
    ]),
    sentence,
    {
      name: "latestSummary",
      type: "RECORD",
      fields: [
        field("text", "STRING"),
        keyValues("textSections"),
        field("confidence", "FLOAT"),
        keyValues("metadata"),
        field("answerRecord", "STRING"),
        field("conversationModel", "STRING"),
      ],
    },
    ...(schema === "v4"
      ? [
          records("qaScorecardResults", [
            field("qaScorecard", "STRING"),
            field("qaScorecardRevision", "STRING"),
            field("qaScorecardResult", "STRING"),
            field("score", "FLOAT"),
            field("potentialScore", "FLOAT"),
            field("normalizedScore", "FLOAT"),
          ]),
          records("agents", [
            field("agentId", "STRING"),
            field("agentDisplayName", "STRING"),
            field("agentTeam", "STRING"),
          ]),
        ]
      : []),
  ];
}
