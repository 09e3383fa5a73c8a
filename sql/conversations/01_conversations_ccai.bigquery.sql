-- conversations_ccai (BigQuery): the CCAI part of `conversations`. Definitions: 01_conversations_ccai.sql.
CREATE OR REPLACE VIEW conversations_ccai AS
SELECT
  'ccai' AS source_type,
  loads.source AS source_name,
  CONCAT('ccai:', conversation.`conversationName`) AS conversation_id,
  CASE WHEN conversation.`medium` = 'CHAT' THEN 'chat' ELSE 'voice' END AS channel,
  conversation.`startTimestamp` AS started_at,
  TIMESTAMP_MICROS(UNIX_MICROS(conversation.`startTimestamp`) + DIV(NULLIF(conversation.`durationNanos`, 0), 1000))
    AS ended_at,
  CAST(NULLIF(conversation.`durationNanos`, 0) AS FLOAT64) / 1000000000 AS duration_seconds,
  DATE(COALESCE(conversation.`startTimestamp`, conversation.`loadTimestamp`), '__PARLEY_REPORTING_TIME_ZONE__') AS day,
  conversation.`agentId` AS agent_id,
  CAST(NULL AS STRING) AS queue_or_bot,
  conversation.`languageCode` AS language,
  CAST(NULL AS BOOL) AS handled_by_bot_only,
  CAST(NULL AS BOOL) AS escalated,
  CAST(NULL AS BOOL) AS transferred,
  CAST(NULL AS BOOL) AS resolved,
  conversation.`clientSentimentScore` AS customer_sentiment,
  conversation.`turnCount` AS turns,
  conversation.`conversationName` AS ccai_conversation_name,
  CAST(NULL AS STRING) AS ultimate_bot_id,
  CAST(NULL AS STRING) AS ultimate_conversation_id,
  CAST(NULL AS INT64) AS voicegain_call_id
FROM ccai_conversations AS conversation
LEFT JOIN _parley_loads AS loads ON loads.load_id = conversation._parley_load_id;
