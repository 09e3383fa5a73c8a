-- ccai_export_conversations (V4+)
-- Grain: one row per exported conversation (conversationName).
-- Sources: ccai_export, the final table of CCAI's native BigQuery export (V4+ schema, vendor-apis §1.13).
-- Maps the export onto the columns of the pull table ccai_conversations, so the metric views read either:
--   nested RECORD columns become json values of the same shape; the epoch-second *TimestampUtc integers are kept
--   and their TIMESTAMP companions (startTimestamp, loadTimestamp, analysisTimestamp, conversationUpdateTimestamp)
--   derived from them (whole seconds); rawConversation is NULL (the export has no raw REST JSON).
-- DuckDB: for an export table copied into DuckDB (RECORD REPEATED as STRUCT lists); agentId is agents[0] (V4 deprecated the column).
CREATE OR REPLACE VIEW ccai_export_conversations AS
SELECT
  "conversationName",
  "audioFileUri",
  "agents"[1]."agentId" AS "agentId",
  "startTimestampUtc",
  "loadTimestampUtc",
  "analysisTimestampUtc",
  "conversationUpdateTimestampUtc",
  "year",
  "month",
  "day",
  "durationNanos",
  "silenceNanos",
  "silencePercentage",
  "agentSpeakingPercentage",
  "clientSpeakingPercentage",
  "agentSentimentScore",
  "agentSentimentMagnitude",
  "clientSentimentScore",
  "clientSentimentMagnitude",
  "transcript",
  "turnCount",
  "languageCode",
  "medium",
  to_json("issues") AS "issues",
  to_json("entities") AS "entities",
  to_json("labels") AS "labels",
  to_json("words") AS "words",
  to_json("sentences") AS "sentences",
  to_json("latestSummary") AS "latestSummary",
  to_json("agents") AS "agents",
  to_timestamp("startTimestampUtc") AS "startTimestamp",
  to_timestamp("loadTimestampUtc") AS "loadTimestamp",
  to_timestamp("analysisTimestampUtc") AS "analysisTimestamp",
  to_timestamp("conversationUpdateTimestampUtc") AS "conversationUpdateTimestamp",
  CAST(NULL AS JSON) AS "rawConversation"
FROM ccai_export
