-- ccai_export_conversations (V4+)
-- Grain: one row per conversationName: the export writes a conversation once per export (WRITE_APPEND, or several
--   time windows), so only the latest by conversationUpdateTimestampUtc (then analysis, then load time) is kept.
-- Sources: ccai_export, the final table of CCAI's native BigQuery export (V4+ schema, vendor-apis §1.13).
-- Maps the export onto the columns of the pull table ccai_conversations, so the metric views read either:
--   nested RECORD columns become json values of the same shape; the epoch-second *TimestampUtc integers are kept
--   and their TIMESTAMP companions (startTimestamp, loadTimestamp, analysisTimestamp, conversationUpdateTimestamp)
--   derived from them (whole seconds); rawConversation is NULL (the export has no raw REST JSON).
-- DuckDB: for an export table copied into DuckDB (RECORD REPEATED as STRUCT lists); agentId follows the one agent
--   rule (sql/README.md): agents[0].agentId; V4 deprecated the agentId column.
CREATE OR REPLACE VIEW ccai_export_conversations AS
SELECT * EXCLUDE (export_row)
FROM (
  SELECT
    "conversationName",
    "audioFileUri",
    NULLIF("agents"[1]."agentId", '') AS "agentId",
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
    CAST(NULL AS JSON) AS "rawConversation",
    ROW_NUMBER() OVER (PARTITION BY "conversationName" ORDER BY "conversationUpdateTimestampUtc" DESC, "analysisTimestampUtc" DESC NULLS LAST, "loadTimestampUtc" DESC NULLS LAST) AS export_row
  FROM ccai_export
) AS exported
WHERE export_row = 1
