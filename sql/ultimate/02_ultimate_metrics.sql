-- ultimate_metrics: the Ultimate / Zendesk AI agents summary metrics of seeds 003 and 004, with their names.
--
-- Grain:   one row per bot_id and day (calendar day of conversation_end_time in the reporting time zone).
-- Day:     the END day: a day's export file holds the conversations that ended that day, so by end day the
--          export of D alone is complete (ultimate_export_days shows which export days are loaded). The
--          dashboard counts by start day instead: ultimate_start_day_metrics.
-- Sources: ultimate_scoped_metrics (01), day_basis 'end', scope 'all': every conversation, test and suggestion-engine ones
--          included, as in the seeds' SQL. Every metric is defined in 01's header.
CREATE OR REPLACE VIEW ultimate_metrics AS
SELECT
  bot_id,
  day,
  total_conversations,
  bot_handled_conversations,
  bot_handled_rate,
  deflection_rate,
  escalation_rate,
  failed_escalation_rate,
  informed_rate,
  automation_rate,
  messages_understood_rate
FROM ultimate_scoped_metrics
WHERE scope = 'all' AND day_basis = 'end';
