-- ccai_conversation_metrics
-- Grain: one row per day (reporting time zone), agent and medium.
-- Sources: ccai_conversations (the pull table, or for a native export the view of the same name from export/).
-- Day: the calendar date of "startTimestamp" in the reporting time zone, the zone given to
--   `parley views apply --reporting-time-zone` (default UTC), never the querying session's; conversations without
--   a start time use "loadTimestamp" (createTime).
-- Agent: "agentId" (NULL when the conversation names none); medium: PHONE_CALL or CHAT. Google treats
-- MEDIUM_UNSPECIFIED (and an omitted medium) as PHONE_CALL, so it is reported as PHONE_CALL here; the table keeps
-- the value as Google sent it.
-- Dialects: DuckDB and PostgreSQL cut the day with AT TIME ZONE (portable file); BigQuery with DATE(ts, zone),
--   its only form, in this variant. Everything else is the same.
-- Metrics:
--   conversations          = count of conversations in the group.
--   avg_turn_count         = sum of "turnCount" / conversations; Google omits 0, loaded as 0, so zero-turn ones count.
--   avg_duration_seconds   = sum of "durationNanos" / 1e9 / conversations (0 when Google gave no duration).
--   avg_client_sentiment   = mean of "clientSentimentScore" over conversations that have one (latest analysis,
--                            customer channel: callMetadata for calls, the transcript's participant roles for chats);
--                            never-analysed and mono-audio conversations are left out.
--   avg_agent_sentiment    = the same for "agentSentimentScore" (agent channel).
--   avg_silence_percentage = mean of "silencePercentage" as Google reports it, over analysed conversations.
CREATE OR REPLACE VIEW ccai_conversation_metrics AS
SELECT
  conversation_date,
  agent_id,
  medium,
  COUNT(*) AS conversations,
  AVG(1.0 * `turnCount`) AS avg_turn_count,
  AVG(1.0 * `durationNanos` / 1000000000) AS avg_duration_seconds,
  AVG(`clientSentimentScore`) AS avg_client_sentiment,
  AVG(`agentSentimentScore`) AS avg_agent_sentiment,
  AVG(`silencePercentage`) AS avg_silence_percentage
FROM (
  SELECT
    DATE(COALESCE(`startTimestamp`, `loadTimestamp`), '__PARLEY_REPORTING_TIME_ZONE__') AS conversation_date,
    `agentId` AS agent_id,
    CASE WHEN `medium` IS NULL OR `medium` = 'MEDIUM_UNSPECIFIED' THEN 'PHONE_CALL' ELSE `medium` END AS medium,
    `turnCount`,
    `durationNanos`,
    `clientSentimentScore`,
    `agentSentimentScore`,
    `silencePercentage`
  FROM ccai_conversations
) AS conversations
GROUP BY conversation_date, agent_id, medium
