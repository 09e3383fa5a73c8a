import type { ColumnDefinition, MergeStreamDefinition } from "@parley/core";

const countFamily = (family: "knowledge" | "llm", generation: string): ColumnDefinition[] =>
  (["not_understood", "response_generated", "error_occurred", "escalation_required", "fallback"] as const).map(
    (measure) => ({
      name: `${family}_${measure}_count`,
      type: "integer",
      description: `${generation}: vendor field ${family}_${measure.replace(/_([a-z])/g, (_match, letter: string) => letter.toUpperCase())}_count, a count sent as a string`,
    }),
  );

/** Columns of `ultimate_conversations`: one shape for both export generations (v2 seed 003, v3 seed 004). */
export const conversationColumns: readonly ColumnDefinition[] = [
  { name: "bot_id", type: "string", nullable: false, description: "Bot id (the export is per bot)" },
  { name: "conversation_id", type: "string", nullable: false, description: "Vendor conversation id" },
  { name: "bot_name", type: "string" },
  { name: "platform_conversation_id", type: "string", description: "The CRM's id for the conversation" },
  { name: "conversation_start_time", type: "timestamp", description: "Start, UTC" },
  {
    name: "conversation_end_time",
    type: "timestamp",
    description: "End, UTC; a day's export holds the conversations that ended that day",
  },
  { name: "export_date", type: "date", description: "The export day (UTC) of the file the record came from" },
  {
    name: "export_version",
    type: "string",
    description: "API generation that served the record: v3 or v2; null for local files",
  },
  { name: "conversation_type", type: "string", description: "v3: Use case, Knowledge, Hybrid or Others" },
  { name: "language", type: "string" },
  {
    name: "channel",
    type: "string",
    description: "chat/ticket (v2 docs), messaging/email (v3 docs), chat (v3 example)",
  },
  { name: "labels", type: "json", shape: "list", description: "List of labels, in vendor order" },
  { name: "segments", type: "json", shape: "list", description: "v3: list of segments" },
  {
    name: "conversations_data",
    type: "json",
    shape: "object",
    description:
      "Session parameters and BSAT score; parsed when sent as a JSON string, also read from conversation_data",
  },
  { name: "test_mode", type: "boolean" },
  {
    name: "conversation_status",
    type: "string",
    description: "botHandled (also spelled bot_handled), agent, email, customEscalation, failedEscalation...",
  },
  { name: "automated_resolution", type: "string", description: "v3: automated-resolution outcome, as sent" },
  { name: "automated_resolution_reasoning", type: "string" },
  { name: "last_resolution", type: "string", description: "informed, resolved, escalated (v2 also undefined)" },
  {
    name: "triggered_replies",
    type: "json",
    shape: "list of objects",
    description: "List of reply objects, in conversation order",
  },
  {
    name: "triggered_intent_replies",
    type: "json",
    shape: "list of objects",
    description: "List of {intent_timestamp, intent_id, intent_name, not_meaningful}, in conversation order",
  },
  {
    name: "triggered_procedures",
    type: "json",
    shape: "list of objects",
    description: "v3: list of procedure objects",
  },
  {
    name: "triggered_use_cases",
    type: "json",
    shape: "list of objects",
    description: "v3: list of use-case objects carrying intent_name",
  },
  { name: "knowledge_sources", type: "json", shape: "list", description: "v3: knowledge articles used" },
  { name: "has_knowledge_response_attempt", type: "boolean", description: "v3" },
  { name: "is_llm_conversation", type: "boolean" },
  ...countFamily("knowledge", "v3"),
  ...countFamily("llm", "v2"),
  {
    name: "bot_messages_count",
    type: "integer",
    description: "Bot messages; 0 for suggestion-engine conversations (the dashboard keeps > 0)",
  },
  {
    name: "customer_messages_count",
    type: "integer",
    description:
      "Customer (visitor) messages: vendor field customer_messages_count (v3 example) or visitor_messages_count (v2, v3 table)",
  },
  {
    name: "messages_count_field",
    type: "string",
    description: "Which of the two vendor names carried customer_messages_count",
  },
  { name: "not_understood_messages_count", type: "integer" },
  {
    name: "extra_fields",
    type: "json",
    shape: "object",
    description: "Fields this connector does not know, under their original names; null when none",
  },
];

export const conversationsStream: MergeStreamDefinition = {
  name: "conversations",
  description: "One row per (bot, conversation), from the daily data export; re-read days merge on the key.",
  writeDisposition: "merge",
  primaryKey: ["bot_id", "conversation_id"],
  eventTimeColumn: "conversation_end_time",
  cursorField: "export_date",
  columns: conversationColumns,
};
