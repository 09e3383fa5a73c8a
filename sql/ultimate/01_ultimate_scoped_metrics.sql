-- ultimate_scoped_metrics: the Ultimate / Zendesk AI agents summary metrics of seeds 003 and 004, with their names,
-- computed once for each scope and day basis so the published views cannot drift apart:
--   scope 'all'        every conversation (ultimate_metrics);
--   scope 'dashboard'  bot_messages_count > 0 only, the seeds' rule for parity with the AI agent summary dashboard
--                      (it leaves out suggestion-engine conversations; an unknown count is left out too)
--                      (ultimate_dashboard_metrics, ultimate_start_day_metrics);
--   day_basis 'end'    day = end_day: by end day, export file D alone is complete (ultimate_metrics,
--                      ultimate_dashboard_metrics);
--   day_basis 'start'  day = start_day, as the dashboard counts: D needs the exports of D, D+1 and possibly
--                      later days (ultimate_start_day_metrics says when it is final).
--
-- Grain:   one row per scope, day_basis, bot_id and day (calendar day in the reporting time zone, the zone given to
--          `parley views apply --reporting-time-zone`, default UTC; never the querying session's).
-- Sources: ultimate_conversation_facts (00): days and the status, normalised once (mapping in 00's header).
-- Filters: by scope, above; test conversations (test_mode) are included in both, as in the seeds' SQL.
-- Every rate is a fraction in [0, 1]; an empty denominator gives NULL.
--
--   total_conversations        distinct conversation_id
--   bot_handled_conversations  distinct conversation_id with is_bot_handled (status botHandled, any spelling)
--   bot_handled_rate           bot_handled_conversations / total_conversations
--   deflection_rate            conversations with is_deflected (status not in email, agent, customEscalation) / total;
--                              a NULL status counts as neither deflected nor escalated (SQL NOT IN, as in the seeds)
--   escalation_rate            conversations with is_escalated (email, agent, customEscalation) / total
--   failed_escalation_rate     conversations with is_failed_escalation / total
--   informed_rate              last_resolution = informed / total
--   automation_rate            last_resolution in (informed, resolved) / total
--   messages_understood_rate   (sum(customer_messages_count) - sum(not_understood_messages_count))
--                              / sum(customer_messages_count); customer_messages_count holds the vendor's
--                              visitor_messages_count (v2) or customer_messages_count (v3); NULL when the day
--                              has no customer messages
CREATE OR REPLACE VIEW ultimate_scoped_metrics AS
SELECT
  scopes.scope,
  bases.day_basis,
  bot_id,
  CASE WHEN bases.day_basis = 'end' THEN end_day ELSE start_day END AS day,
  COUNT(DISTINCT conversation_id) AS total_conversations,
  COUNT(DISTINCT CASE WHEN is_bot_handled THEN conversation_id END) AS bot_handled_conversations,
  1.0 * COUNT(DISTINCT CASE WHEN is_bot_handled THEN conversation_id END)
    / NULLIF(COUNT(DISTINCT conversation_id), 0) AS bot_handled_rate,
  1.0 * COUNT(DISTINCT CASE WHEN is_deflected THEN conversation_id END)
    / NULLIF(COUNT(DISTINCT conversation_id), 0) AS deflection_rate,
  1.0 * COUNT(DISTINCT CASE WHEN is_escalated THEN conversation_id END)
    / NULLIF(COUNT(DISTINCT conversation_id), 0) AS escalation_rate,
  1.0 * COUNT(DISTINCT CASE WHEN is_failed_escalation THEN conversation_id END)
    / NULLIF(COUNT(DISTINCT conversation_id), 0) AS failed_escalation_rate,
  1.0 * COUNT(DISTINCT CASE WHEN last_resolution = 'informed' THEN conversation_id END)
    / NULLIF(COUNT(DISTINCT conversation_id), 0) AS informed_rate,
  1.0 * COUNT(DISTINCT CASE WHEN last_resolution IN ('informed', 'resolved') THEN conversation_id END)
    / NULLIF(COUNT(DISTINCT conversation_id), 0) AS automation_rate,
  1.0 * (SUM(customer_messages_count) - SUM(not_understood_messages_count))
    / NULLIF(SUM(customer_messages_count), 0) AS messages_understood_rate
FROM ultimate_conversation_facts
CROSS JOIN (SELECT 'all' AS scope UNION ALL SELECT 'dashboard' AS scope) AS scopes
CROSS JOIN (SELECT 'end' AS day_basis UNION ALL SELECT 'start' AS day_basis) AS bases
WHERE scopes.scope = 'all' OR bot_messages_count > 0
GROUP BY scopes.scope, bases.day_basis, bot_id, CASE WHEN bases.day_basis = 'end' THEN end_day ELSE start_day END;
