-- ultimate_conversation_facts: one row per conversation with its days and its status, normalised once, so every
-- Ultimate view counts the same conversations the same way.
--
-- Grain:   one row per bot_id and conversation_id.
-- Sources: ultimate_conversations (one row per bot and conversation; re-read export days are merged on the key).
-- Days (calendar days in the reporting time zone, the zone given to `parley views apply --reporting-time-zone`,
-- default UTC; never the querying session's):
--   end_day      day of conversation_end_time. A day's export file holds the conversations that *ended* that (UTC)
--                day (seed 003/004 FAQ), so by end day, export day D alone is complete.
--   start_day    day of conversation_start_time: what the AI agent dashboard counts. A conversation that started on
--                D can end on D, D+1 or later, so by start day D needs the exports of D and D+1, and more for
--                conversations that run longer (seeds: "ingest the file for day x and day x + 1").
--   export_date  the export (UTC) day of the file the conversation came from, as the connector stored it.
-- Status: the seeds spell the AI-agent-handled status botHandled in their data and SQL and bot_handled in their
--   prose. Every spelling is mapped once, here, to the seeds' SQL spelling by lower-casing and dropping underscores:
--     bothandled -> botHandled, customescalation -> customEscalation, failedescalation -> failedEscalation,
--     email -> email, agent -> agent; any other value is kept as sent.
--   is_bot_handled        status = botHandled
--   is_escalated          status in (email, agent, customEscalation)                     (seeds' escalation rate)
--   is_deflected          status not in (email, agent, customEscalation); NULL status is neither deflected nor
--                         escalated (the seeds' SQL NOT IN). So custom_escalation, in any spelling, is escalated and
--                         never deflected. failedEscalation (any spelling) counts as deflected, exactly as the seeds'
--                         SQL counts it: the escalation failed, so no human took the conversation.
--   is_failed_escalation  status = failedEscalation
-- Dialects: DuckDB and PostgreSQL cut the days with AT TIME ZONE (portable file); BigQuery with DATE(ts, zone) (this file).
CREATE OR REPLACE VIEW ultimate_conversation_facts AS
SELECT
  bot_id,
  conversation_id,
  export_date,
  end_day,
  start_day,
  conversation_status,
  status,
  status = 'botHandled' AS is_bot_handled,
  status IN ('email', 'agent', 'customEscalation') AS is_escalated,
  status NOT IN ('email', 'agent', 'customEscalation') AS is_deflected,
  status = 'failedEscalation' AS is_failed_escalation,
  last_resolution,
  customer_messages_count,
  not_understood_messages_count,
  bot_messages_count,
  _parley_loaded_at AS loaded_at
FROM (
  SELECT
    conversations.*,
    DATE(conversation_end_time, '__PARLEY_REPORTING_TIME_ZONE__') AS end_day,
    DATE(conversation_start_time, '__PARLEY_REPORTING_TIME_ZONE__') AS start_day,
    CASE REPLACE(LOWER(conversation_status), '_', '')
      WHEN 'bothandled' THEN 'botHandled'
      WHEN 'customescalation' THEN 'customEscalation'
      WHEN 'failedescalation' THEN 'failedEscalation'
      WHEN 'email' THEN 'email'
      WHEN 'agent' THEN 'agent'
      ELSE conversation_status
    END AS status
  FROM ultimate_conversations AS conversations
) AS conversations;
