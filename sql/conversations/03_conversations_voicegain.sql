-- conversations_voicegain: the Voicegain part of `conversations` (every call is a voice conversation).
--
-- Grain:   one row per call_id, from voicegain_calls (merged on call_id).
-- Sources: voicegain_calls, voicegain_call_facts (is_transfer, defined once there), _parley_loads (source_name).
-- Mapping: sql/README.md, "conversations". Unknown for Voicegain, so NULL: handled_by_bot_only and escalated
--          (a call record does not say whether a voicebot alone handled it), turns (no turn count).
--   transferred         voicegain_call_facts.is_transfer (WARM_TRANSFER_SUCCESS marker or spawned calls).
--   resolved            call_resolved (NULL where the vendor does not detect resolution).
--   customer_sentiment  sentiment: the caller's average, already in [-1, 1].
-- Day:     reporting-time-zone day of start_time.
-- Dialects: this file serves DuckDB and PostgreSQL; BigQuery has its variant.
CREATE OR REPLACE VIEW conversations_voicegain AS
SELECT
  'voicegain' AS source_type,
  loads.source AS source_name,
  'voicegain:' || CAST(calls.call_id AS VARCHAR) AS conversation_id,
  'voice' AS channel,
  calls.start_time AS started_at,
  calls.end_time AS ended_at,
  CAST(calls.duration AS DOUBLE PRECISION) AS duration_seconds,
  CAST(calls.start_time AT TIME ZONE '__PARLEY_REPORTING_TIME_ZONE__' AS DATE) AS day,
  calls.agent_id AS agent_id,
  calls.queue_id AS queue_or_bot,
  calls.language AS language,
  CAST(NULL AS BOOLEAN) AS handled_by_bot_only,
  CAST(NULL AS BOOLEAN) AS escalated,
  facts.is_transfer AS transferred,
  calls.call_resolved AS resolved,
  calls.sentiment AS customer_sentiment,
  CAST(NULL AS BIGINT) AS turns,
  CAST(NULL AS VARCHAR) AS ccai_conversation_name,
  CAST(NULL AS VARCHAR) AS ultimate_bot_id,
  CAST(NULL AS VARCHAR) AS ultimate_conversation_id,
  calls.call_id AS voicegain_call_id
FROM voicegain_calls AS calls
JOIN voicegain_call_facts AS facts ON facts.call_id = calls.call_id
LEFT JOIN _parley_loads AS loads ON loads.load_id = calls._parley_load_id;
