-- conversations_ccai: the CCAI part of `conversations` (one row per CCAI conversation, in its columns).
--
-- Grain:   one row per conversationName, from ccai_conversations (merged on conversationName).
-- Sources: ccai_conversations (loaded by Parley: its rows carry _parley_load_id), _parley_loads (source_name).
-- Mapping: sql/README.md, "conversations". Unknown for CCAI, so NULL: queue_or_bot, handled_by_bot_only,
--          escalated, transferred, resolved (the conversation resource carries none of them).
-- Day:     reporting-time-zone day of startTime, else of createTime ("loadTimestamp"), as ccai_conversation_metrics.
-- Dialects: this file serves DuckDB and PostgreSQL (typed NULLs and AT TIME ZONE); BigQuery has its variant.
-- `parley views apply` unions this view with the other vendors' parts into `conversations`.
CREATE OR REPLACE VIEW conversations_ccai AS
SELECT
  'ccai' AS source_type,
  loads.source AS source_name,
  'ccai:' || conversation."conversationName" AS conversation_id,
  CASE WHEN conversation."medium" = 'CHAT' THEN 'chat' ELSE 'voice' END AS channel,
  conversation."startTimestamp" AS started_at,
  -- whole microseconds (the finest both engines store), the same rounding on both
  conversation."startTimestamp"
    + ((NULLIF(conversation."durationNanos", 0) - MOD(conversation."durationNanos", 1000)) / 1000) * INTERVAL '1 microsecond'
    AS ended_at,
  CAST(NULLIF(conversation."durationNanos", 0) AS DOUBLE PRECISION) / 1000000000 AS duration_seconds,
  CAST(COALESCE(conversation."startTimestamp", conversation."loadTimestamp") AT TIME ZONE '__PARLEY_REPORTING_TIME_ZONE__' AS DATE)
    AS day,
  conversation."agentId" AS agent_id,
  CAST(NULL AS VARCHAR) AS queue_or_bot,
  conversation."languageCode" AS language,
  CAST(NULL AS BOOLEAN) AS handled_by_bot_only,
  CAST(NULL AS BOOLEAN) AS escalated,
  CAST(NULL AS BOOLEAN) AS transferred,
  CAST(NULL AS BOOLEAN) AS resolved,
  conversation."clientSentimentScore" AS customer_sentiment,
  conversation."turnCount" AS turns,
  conversation."conversationName" AS ccai_conversation_name,
  CAST(NULL AS VARCHAR) AS ultimate_bot_id,
  CAST(NULL AS VARCHAR) AS ultimate_conversation_id,
  CAST(NULL AS BIGINT) AS voicegain_call_id
FROM ccai_conversations AS conversation
LEFT JOIN _parley_loads AS loads ON loads.load_id = conversation._parley_load_id;
