-- conversations_ultimate: the Ultimate (Zendesk AI agents) part of `conversations`.
--
-- Grain:   one row per (bot_id, conversation_id), from ultimate_conversations (merged on that key).
-- Sources: ultimate_conversations, ultimate_conversation_facts (the status and day mapping, defined once there),
--          _parley_loads (source_name).
-- Mapping: sql/README.md, "conversations". Unknown for Ultimate, so NULL: agent_id (the export names no human
--          agent), transferred, customer_sentiment (conversations_data holds bot-specific parameters, no
--          documented sentiment score), turns (the export counts messages, not turns).
--   channel              chat and messaging -> chat; email and ticket -> email (v2 docs say chat/ticket, v3 docs
--                        messaging/email for the same two channels); any other value lower-cased as sent.
--   handled_by_bot_only  ultimate_conversation_facts.is_bot_handled (status botHandled, any spelling); NULL
--                        without status.
--   escalated            ultimate_conversation_facts.is_escalated (status email, agent or customEscalation: the
--                        seeds' escalation); failedEscalation is FALSE (no human took it); NULL without status.
--   resolved             last_resolution informed or resolved (the seeds' automated resolution); FALSE for
--                        escalated; NULL for undefined or none.
-- Day:     ultimate_conversation_facts.start_day, the reporting-time-zone day of conversation_start_time
--          (ultimate_metrics counts by end day; a conversation that started on D may arrive in a later export).
-- Dialects: this file serves DuckDB and PostgreSQL; BigQuery has its variant.
CREATE OR REPLACE VIEW conversations_ultimate AS
SELECT
  'ultimate' AS source_type,
  loads.source AS source_name,
  'ultimate:' || conversation.bot_id || ':' || conversation.conversation_id AS conversation_id,
  CASE
    WHEN LOWER(conversation.channel) IN ('chat', 'messaging') THEN 'chat'
    WHEN LOWER(conversation.channel) IN ('email', 'ticket') THEN 'email'
    ELSE LOWER(conversation.channel)
  END AS channel,
  conversation.conversation_start_time AS started_at,
  conversation.conversation_end_time AS ended_at,
  CAST(EXTRACT(EPOCH FROM conversation.conversation_end_time) AS DOUBLE PRECISION)
    - CAST(EXTRACT(EPOCH FROM conversation.conversation_start_time) AS DOUBLE PRECISION) AS duration_seconds,
  facts.start_day AS day,
  CAST(NULL AS VARCHAR) AS agent_id,
  conversation.bot_id AS queue_or_bot,
  conversation.language AS language,
  facts.is_bot_handled AS handled_by_bot_only,
  facts.is_escalated AS escalated,
  CAST(NULL AS BOOLEAN) AS transferred,
  CASE
    WHEN conversation.last_resolution IN ('informed', 'resolved') THEN TRUE
    WHEN conversation.last_resolution = 'escalated' THEN FALSE
  END AS resolved,
  CAST(NULL AS DOUBLE PRECISION) AS customer_sentiment,
  CAST(NULL AS BIGINT) AS turns,
  CAST(NULL AS VARCHAR) AS ccai_conversation_name,
  conversation.bot_id AS ultimate_bot_id,
  conversation.conversation_id AS ultimate_conversation_id,
  CAST(NULL AS BIGINT) AS voicegain_call_id
FROM ultimate_conversations AS conversation
JOIN ultimate_conversation_facts AS facts
  ON facts.bot_id = conversation.bot_id AND facts.conversation_id = conversation.conversation_id
LEFT JOIN _parley_loads AS loads ON loads.load_id = conversation._parley_load_id;
