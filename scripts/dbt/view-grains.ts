/**
 * The grain of each view (sql/README.md): the columns that identify a row. The dbt package tests that no two
 * rows share them, and test/sql/views-parity.test.ts sorts and compares rows by them. test/dbt/dbt-models.test.ts
 * fails for a view missing here.
 */
export const viewGrains: Readonly<Record<string, readonly string[]>> = {
  ccai_conversation_metrics: ["conversation_date", "agent_id", "medium"],
  ccai_issue_metrics: ["conversation_date", "issue_model_id", "issue_id", "issue_name"],
  ultimate_conversation_facts: ["bot_id", "conversation_id"],
  ultimate_scoped_metrics: ["scope", "day_basis", "bot_id", "day"],
  ultimate_metrics: ["bot_id", "day"],
  ultimate_dashboard_metrics: ["bot_id", "day"],
  ultimate_conversation_intents: ["bot_id", "conversation_id"],
  ultimate_first_meaningful_intent_metrics: ["bot_id", "first_meaningful_intent"],
  ultimate_export_days: ["bot_id", "export_date"],
  ultimate_start_day_metrics: ["bot_id", "day"],
  voicegain_call_facts: ["call_id"],
  voicegain_call_topics: ["call_id", "topic"],
  voicegain_call_metrics: ["call_date", "queue_id", "agent_id"],
  voicegain_topics: ["call_date", "topic"],
  conversations_ccai: ["conversation_id"],
  conversations_ultimate: ["conversation_id"],
  conversations_voicegain: ["conversation_id"],
  conversations: ["conversation_id"],
  conversation_metrics: ["day", "channel"],
};
