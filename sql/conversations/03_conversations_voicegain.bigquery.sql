-- conversations_voicegain (BigQuery): the Voicegain part of `conversations`. Definitions: 03_conversations_voicegain.sql.
CREATE OR REPLACE VIEW conversations_voicegain AS
SELECT
  'voicegain' AS source_type,
  loads.source AS source_name,
  CONCAT('voicegain:', CAST(calls.call_id AS STRING)) AS conversation_id,
  'voice' AS channel,
  calls.start_time AS started_at,
  calls.end_time AS ended_at,
  CAST(calls.duration AS FLOAT64) AS duration_seconds,
  DATE(calls.start_time, '__PARLEY_REPORTING_TIME_ZONE__') AS day,
  calls.agent_id AS agent_id,
  calls.queue_id AS queue_or_bot,
  calls.language AS language,
  CAST(NULL AS BOOL) AS handled_by_bot_only,
  CAST(NULL AS BOOL) AS escalated,
  facts.is_transfer AS transferred,
  calls.call_resolved AS resolved,
  calls.sentiment AS customer_sentiment,
  CAST(NULL AS INT64) AS turns,
  CAST(NULL AS STRING) AS ccai_conversation_name,
  CAST(NULL AS STRING) AS ultimate_bot_id,
  CAST(NULL AS STRING) AS ultimate_conversation_id,
  calls.call_id AS voicegain_call_id
FROM voicegain_calls AS calls
JOIN voicegain_call_facts AS facts ON facts.call_id = calls.call_id
LEFT JOIN _parley_loads AS loads ON loads.load_id = calls._parley_load_id;
