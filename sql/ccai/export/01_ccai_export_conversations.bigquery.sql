-- ccai_export_conversations (V4+)
-- Grain: one row per conversationName: the export writes a conversation once per export (WRITE_APPEND, or several
--   time windows), so only the latest by conversationUpdateTimestampUtc (then analysis, then load time) is kept.
-- Sources: ccai_export, the final table of CCAI's native BigQuery export (V4+ schema, vendor-apis §1.13).
-- Maps the export onto the columns of the pull table ccai_conversations, so the metric views read either:
--   nested RECORD columns become json values of the same shape; the epoch-second *TimestampUtc integers are kept
--   and their TIMESTAMP companions (startTimestamp, loadTimestamp, analysisTimestamp, conversationUpdateTimestamp)
--   derived from them (whole seconds); rawConversation is NULL (the export has no raw REST JSON).
-- BigQuery: agentId follows the one agent rule (sql/README.md): agents[0].agentId; V4 deprecated the agentId column.
--   It is read in the inner query and emptied-to-NULL outside it (so it is the last column here): the GoogleSQL
--   grammar the tests parse with (node-sql-parser) accepts a subscript only as a plain select item.
CREATE OR REPLACE VIEW ccai_export_conversations AS
SELECT * EXCEPT (export_row, first_agent_id), NULLIF(first_agent_id, '') AS `agentId`
FROM (
  SELECT
    `conversationName`,
    `audioFileUri`,
    `agents`[SAFE_OFFSET(0)].`agentId` AS first_agent_id,
    `startTimestampUtc`,
    `loadTimestampUtc`,
    `analysisTimestampUtc`,
    `conversationUpdateTimestampUtc`,
    `year`,
    `month`,
    `day`,
    `durationNanos`,
    `silenceNanos`,
    `silencePercentage`,
    `agentSpeakingPercentage`,
    `clientSpeakingPercentage`,
    `agentSentimentScore`,
    `agentSentimentMagnitude`,
    `clientSentimentScore`,
    `clientSentimentMagnitude`,
    `transcript`,
    `turnCount`,
    `languageCode`,
    `medium`,
    TO_JSON(`issues`) AS `issues`,
    TO_JSON(`entities`) AS `entities`,
    TO_JSON(`labels`) AS `labels`,
    TO_JSON(`words`) AS `words`,
    TO_JSON(`sentences`) AS `sentences`,
    TO_JSON(`latestSummary`) AS `latestSummary`,
    TO_JSON(`agents`) AS `agents`,
    TIMESTAMP_SECONDS(`startTimestampUtc`) AS `startTimestamp`,
    TIMESTAMP_SECONDS(`loadTimestampUtc`) AS `loadTimestamp`,
    TIMESTAMP_SECONDS(`analysisTimestampUtc`) AS `analysisTimestamp`,
    TIMESTAMP_SECONDS(`conversationUpdateTimestampUtc`) AS `conversationUpdateTimestamp`,
    CAST(NULL AS JSON) AS `rawConversation`,
    ROW_NUMBER() OVER (PARTITION BY `conversationName` ORDER BY `conversationUpdateTimestampUtc` DESC, `analysisTimestampUtc` DESC, `loadTimestampUtc` DESC) AS export_row
  FROM ccai_export
) AS exported
WHERE export_row = 1
