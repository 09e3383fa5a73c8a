-- ultimate_metrics: the Ultimate / Zendesk AI agents summary metrics of seeds 003 and 004, with their names.
--
-- Grain:   one row per bot_id and day (calendar day of conversation_end_time in the reporting time zone).
-- Sources: ultimate_scoped_metrics (01), scope 'all': every conversation, test and suggestion-engine ones
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
WHERE scope = 'all';
