-- ultimate_dashboard_metrics: ultimate_metrics restricted to what the AI agent summary dashboard counts.
--
-- Grain:   one row per bot_id and day (calendar day of conversation_end_time in the reporting time zone).
-- Sources: ultimate_scoped_metrics (01), scope 'dashboard': conversations with bot_messages_count > 0 only, the
--          seeds' rule for parity with the dashboard. Every metric is defined in 01's header.
CREATE OR REPLACE VIEW ultimate_dashboard_metrics AS
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
WHERE scope = 'dashboard';
