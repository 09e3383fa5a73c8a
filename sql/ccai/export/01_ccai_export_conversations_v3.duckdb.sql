-- ccai_export_conversations (V3)
-- Grain: one row per conversationName: the export writes a conversation once per export (WRITE_APPEND, or several
--   time windows), so only the latest by analysisTimestampUtc, then loadTimestampUtc (V3 has no update time) is kept.
-- Sources: ccai_export, the final table of CCAI's native BigQuery export (V3 schema, vendor-apis §1.13).
-- Maps the export onto the columns of the pull table ccai_conversations, so the metric views read either:
--   nested RECORD columns become json values of the same shape; the epoch-second *TimestampUtc integers are kept
--   and their TIMESTAMP companions (startTimestamp, loadTimestamp, analysisTimestamp, conversationUpdateTimestamp)
--   derived from them (whole seconds); rawConversation is NULL (the export has no raw REST JSON).
-- DuckDB: for an export table copied into DuckDB. V3 has agentId but no agents[] or update time (both NULL).
--   V3 carries only the top-level agentId; the agent rule prefers agentInfo[0] (V4+ agents[0]), so where the two
--   differ a V3 export lands a conversation under another agent than the pull path: use EXPORT_V4 or later.
CREATE OR REPLACE VIEW ccai_export_conversations AS
SELECT * EXCLUDE (export_row)
FROM (
  SELECT
    "conversationName",
    "audioFileUri",
    "agentId",
    "startTimestampUtc",
    "loadTimestampUtc",
    "analysisTimestampUtc",
    CAST(NULL AS BIGINT) AS "conversationUpdateTimestampUtc",
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
    CAST(NULL AS JSON) AS "agents",
    to_timestamp("startTimestampUtc") AS "startTimestamp",
    to_timestamp("loadTimestampUtc") AS "loadTimestamp",
    to_timestamp("analysisTimestampUtc") AS "analysisTimestamp",
    CAST(NULL AS TIMESTAMPTZ) AS "conversationUpdateTimestamp",
    CAST(NULL AS JSON) AS "rawConversation",
    ROW_NUMBER() OVER (PARTITION BY "conversationName" ORDER BY "analysisTimestampUtc" DESC NULLS LAST, "loadTimestampUtc" DESC NULLS LAST) AS export_row
  FROM ccai_export
) AS exported
WHERE export_row = 1
