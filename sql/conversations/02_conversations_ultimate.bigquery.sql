-- conversations_ultimate (BigQuery): the Ultimate part of `conversations`. Definitions: 02_conversations_ultimate.sql.
CREATE OR REPLACE VIEW conversations_ultimate AS
SELECT
  'ultimate' AS source_type,
  loads.source AS source_name,
  CONCAT('ultimate:', conversation.bot_id, ':', conversation.conversation_id) AS conversation_id,
  CASE
    WHEN LOWER(conversation.channel) IN ('chat', 'messaging') THEN 'chat'
    WHEN LOWER(conversation.channel) IN ('email', 'ticket') THEN 'email'
    ELSE LOWER(conversation.channel)
  END AS channel,
  conversation.conversation_start_time AS started_at,
  conversation.conversation_end_time AS ended_at,
  (UNIX_MICROS(conversation.conversation_end_time) - UNIX_MICROS(conversation.conversation_start_time)) / 1000000
    AS duration_seconds,
  facts.start_day AS day,
  CAST(NULL AS STRING) AS agent_id,
  conversation.bot_id AS queue_or_bot,
  conversation.language AS language,
  facts.is_bot_handled AS handled_by_bot_only,
  facts.is_escalated AS escalated,
  CAST(NULL AS BOOL) AS transferred,
  CASE
    WHEN conversation.last_resolution IN ('informed', 'resolved') THEN TRUE
    WHEN conversation.last_resolution = 'escalated' THEN FALSE
  END AS resolved,
  CAST(NULL AS FLOAT64) AS customer_sentiment,
  CAST(NULL AS INT64) AS turns,
  CAST(NULL AS STRING) AS ccai_conversation_name,
  conversation.bot_id AS ultimate_bot_id,
  conversation.conversation_id AS ultimate_conversation_id,
  CAST(NULL AS INT64) AS voicegain_call_id
FROM ultimate_conversations AS conversation
JOIN ultimate_conversation_facts AS facts
  ON facts.bot_id = conversation.bot_id AND facts.conversation_id = conversation.conversation_id
LEFT JOIN _parley_loads AS loads ON loads.load_id = conversation._parley_load_id;
