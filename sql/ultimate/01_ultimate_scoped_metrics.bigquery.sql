-- ultimate_scoped_metrics: the Ultimate / Zendesk AI agents summary metrics of seeds 003 and 004, with their names,
-- computed once for each scope so the two published views cannot drift apart:
--   scope 'all'        every conversation (ultimate_metrics);
--   scope 'dashboard'  bot_messages_count > 0 only, the seeds' rule for parity with the AI agent summary dashboard
--                      (it leaves out suggestion-engine conversations; an unknown count is left out too)
--                      (ultimate_dashboard_metrics).
--
-- Grain:   one row per scope, bot_id and day (calendar day of conversation_end_time in the reporting time zone:
--          the zone given to `parley views apply --reporting-time-zone`, default UTC, never the session's).
-- Sources: ultimate_conversations (one row per bot and conversation; re-read export days are merged on the key).
-- Filters: by scope, above; test conversations (test_mode) are included in both, as in the seeds' SQL.
-- Day:     a day's export holds the conversations that *ended* that UTC day (seed 003/004 FAQ), so day D is
--          complete once the exports of D and D+1 are loaded.
-- Status:  the docs spell the AI-agent-handled status both botHandled (data, SQL) and bot_handled (doc text);
--          both count as handled.
-- Dialects: DuckDB and PostgreSQL cut the day with AT TIME ZONE; BigQuery with DATE(ts, zone) (.bigquery.sql).
-- Every rate is a fraction in [0, 1]; an empty denominator gives NULL.
--
--   total_conversations        distinct conversation_id
--   bot_handled_conversations  distinct conversation_id with conversation_status in (botHandled, bot_handled)
--   bot_handled_rate           bot_handled_conversations / total_conversations
--   deflection_rate            conversations whose status is NOT in (email, agent, customEscalation) / total;
--                              a NULL status counts as neither deflected nor escalated (SQL NOT IN, as in the seeds)
--   escalation_rate            status in (email, agent, customEscalation) / total
--   failed_escalation_rate     status = failedEscalation / total
--   informed_rate              last_resolution = informed / total
--   automation_rate            last_resolution in (informed, resolved) / total
--   messages_understood_rate   (sum(customer_messages_count) - sum(not_understood_messages_count))
--                              / sum(customer_messages_count); customer_messages_count holds the vendor's
--                              visitor_messages_count (v2) or customer_messages_count (v3); NULL when the day
--                              has no customer messages
CREATE OR REPLACE VIEW ultimate_scoped_metrics AS
SELECT
  scopes.scope,
  bot_id,
  DATE(conversation_end_time, '__PARLEY_REPORTING_TIME_ZONE__') AS day,
  COUNT(DISTINCT conversation_id) AS total_conversations,
  COUNT(DISTINCT CASE WHEN conversation_status IN ('botHandled', 'bot_handled') THEN conversation_id END) AS bot_handled_conversations,
  1.0 * COUNT(DISTINCT CASE WHEN conversation_status IN ('botHandled', 'bot_handled') THEN conversation_id END)
    / NULLIF(COUNT(DISTINCT conversation_id), 0) AS bot_handled_rate,
  1.0 * COUNT(DISTINCT CASE WHEN conversation_status NOT IN ('email', 'agent', 'customEscalation') THEN conversation_id END)
    / NULLIF(COUNT(DISTINCT conversation_id), 0) AS deflection_rate,
  1.0 * COUNT(DISTINCT CASE WHEN conversation_status IN ('email', 'agent', 'customEscalation') THEN conversation_id END)
    / NULLIF(COUNT(DISTINCT conversation_id), 0) AS escalation_rate,
  1.0 * COUNT(DISTINCT CASE WHEN conversation_status = 'failedEscalation' THEN conversation_id END)
    / NULLIF(COUNT(DISTINCT conversation_id), 0) AS failed_escalation_rate,
  1.0 * COUNT(DISTINCT CASE WHEN last_resolution = 'informed' THEN conversation_id END)
    / NULLIF(COUNT(DISTINCT conversation_id), 0) AS informed_rate,
  1.0 * COUNT(DISTINCT CASE WHEN last_resolution IN ('informed', 'resolved') THEN conversation_id END)
    / NULLIF(COUNT(DISTINCT conversation_id), 0) AS automation_rate,
  1.0 * (SUM(customer_messages_count) - SUM(not_understood_messages_count))
    / NULLIF(SUM(customer_messages_count), 0) AS messages_understood_rate
FROM ultimate_conversations
CROSS JOIN (SELECT 'all' AS scope UNION ALL SELECT 'dashboard' AS scope) AS scopes
WHERE scopes.scope = 'all' OR bot_messages_count > 0
GROUP BY scopes.scope, bot_id, DATE(conversation_end_time, '__PARLEY_REPORTING_TIME_ZONE__');
