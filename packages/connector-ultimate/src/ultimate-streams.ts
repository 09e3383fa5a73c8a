import type { ColumnDefinition, MergeStreamDefinition, RecordMapping } from "@parley/core";

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

const text = (column: string, from: string = column) => ({ column, from: [from], reading: "text" }) as const;
const count = (column: string, from: string) => ({ column, from: [from], reading: "count" }) as const;
const json = (column: string) => ({ column, from: [column], reading: "json" }) as const;
const counts = (family: "knowledge" | "llm") =>
  (["notUnderstood", "responseGenerated", "errorOccurred", "escalationRequired", "fallback"] as const).map((measure) =>
    count(
      `${family}_${measure.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`)}_count`,
      `${family}_${measure}_count`,
    ),
  );

/**
 * Vendor field -> column, for both export generations (seeds 003 and 004): executed in JavaScript by the
 * connector, and as generated SQL by a sink's bulk path. Keys match case-insensitively (seen UPPER-CASE
 * live, quirk 10); both count families are kept (quirk 5); one measure has two names (quirk 4), and
 * `conversations_data` was seen live as `conversation_data` (vendor-apis §3.6, quirk 3).
 */
export const conversationMapping: RecordMapping = {
  fields: [
    { ...text("bot_id"), contextFallback: true },
    text("conversation_id"),
    text("bot_name"),
    text("platform_conversation_id"),
    { column: "conversation_start_time", from: ["conversation_start_time"], reading: "timestamp" },
    { column: "conversation_end_time", from: ["conversation_end_time"], reading: "timestamp" },
    text("conversation_type"),
    text("language"),
    text("channel"),
    json("labels"),
    json("segments"),
    { column: "conversations_data", from: ["conversations_data", "conversation_data"], reading: "json" },
    { column: "test_mode", from: ["test_mode"], reading: "boolean" },
    text("conversation_status"),
    text("automated_resolution"),
    text("automated_resolution_reasoning"),
    text("last_resolution"),
    json("triggered_replies"),
    json("triggered_intent_replies"),
    json("triggered_procedures"),
    json("triggered_use_cases"),
    json("knowledge_sources"),
    { column: "has_knowledge_response_attempt", from: ["has_knowledge_response_attempt"], reading: "boolean" },
    { column: "is_llm_conversation", from: ["is_llm_conversation"], reading: "boolean" },
    ...counts("knowledge"),
    ...counts("llm"),
    count("bot_messages_count", "bot_messages_count"),
    {
      column: "customer_messages_count",
      from: ["customer_messages_count", "visitor_messages_count"],
      reading: "count",
    },
    count("not_understood_messages_count", "not_understood_messages_count"),
  ],
  contextColumns: ["export_date", "export_version"],
  extraFieldsColumn: "extra_fields",
  fieldNameColumns: [{ column: "messages_count_field", of: "customer_messages_count" }],
  // Local files need not say their day: a day's file holds the conversations that ended that UTC day (seed 003 FAQ).
  dayFallback: { column: "export_date", from: "conversation_end_time" },
};

export const conversationsStream: MergeStreamDefinition = {
  name: "conversations",
  description: "One row per (bot, conversation), from the daily data export; re-read days merge on the key.",
  writeDisposition: "merge",
  primaryKey: ["bot_id", "conversation_id"],
  eventTimeColumn: "conversation_end_time",
  columns: conversationColumns,
  mapping: conversationMapping,
};
