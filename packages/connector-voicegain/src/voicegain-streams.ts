import type { ColumnDefinition, MergeStreamDefinition } from "@parley/core";
import { jsonCallMapping } from "./voicegain-mapping.ts";

/** Columns both exports carry (seed 002's CSV column list), in that order. */
const sharedColumns = [
  {
    name: "call_id",
    type: "integer",
    nullable: false,
    description: "callId: a string in JSON, an integer in CSV and afterCallId; stored as an integer",
  },
  { name: "account_id", type: "string" },
  { name: "context_id", type: "string", description: "Project id" },
  {
    name: "start_time",
    type: "timestamp",
    description: "UTC; CSV local times are converted from the configured timeZone",
  },
  { name: "end_time", type: "timestamp" },
  { name: "duration", type: "integer", description: "Seconds" },
  { name: "direction", type: "string", description: "inbound or outbound" },
  { name: "external_endpoint", type: "string", description: "ANI for inbound calls" },
  { name: "internal_endpoint", type: "string", description: "DNIS for inbound calls" },
  { name: "recording", type: "string" },
  { name: "sa_session_id", type: "string" },
  { name: "agent_id", type: "string", description: "agent.agentId (JSON) / agent.id (CSV)" },
  { name: "agent_email", type: "string" },
  { name: "agent_name", type: "string" },
  { name: "agent_user_id", type: "string" },
  { name: "agent_channel", type: "string" },
  { name: "queue_id", type: "string", description: "queue.queueId (JSON) / queue.id (CSV)" },
  { name: "queue_name", type: "string" },
  {
    name: "sentiment",
    type: "float",
    description: "Caller sentiment, -1..1 (deprecated by the vendor in favour of sentiments)",
  },
  { name: "cr_answers_id", type: "string", description: "QA form answers id" },
  { name: "score", type: "float", description: "QA score" },
  { name: "review_status", type: "string" },
  { name: "review_notes", type: "string" },
  { name: "notes", type: "string", description: "LLM call summary (multi-line)" },
  { name: "tags", type: "json", shape: "list of strings", description: "List of strings" },
  { name: "keywords", type: "json", shape: "list of strings", description: "List of strings" },
  { name: "topics", type: "json", shape: "list of strings", description: "List of strings" },
  {
    name: "call_resolved",
    type: "boolean",
    description: "callResolved (JSON) / isCallResolved (CSV); null when not detected",
  },
  { name: "incidents", type: "integer" },
  { name: "word_cloud", type: "json", shape: "list of objects", description: "List of {phrase, freq}" },
  { name: "num_audio_channels", type: "integer" },
  { name: "num_spk_channels", type: "integer" },
  { name: "version", type: "integer" },
  { name: "aivr_app_id", type: "string" },
  { name: "aivr_session_id", type: "string" },
  {
    name: "originating_call_id",
    type: "integer",
    description: "Set when a Voicebot launched this call (a transfer leg)",
  },
  {
    name: "progress_phase",
    type: "string",
    description: "DONE or ERROR (consecutive export only returns finished calls)",
  },
  { name: "aivr_transfer_dest_type", type: "string" },
  { name: "call_center_call_id", type: "string" },
  { name: "language", type: "string" },
  { name: "dtmf_events", type: "json", shape: "list of objects", description: "List of {dtmf, timestamp, channel}" },
  {
    name: "daily_repeat_calls",
    type: "integer",
    description: "Calls between the same endpoints in the prior 24 hours",
  },
  {
    name: "markers",
    type: "json",
    shape: "list of objects",
    description: "List of {time, type, note} in the vendor's order (not sorted by time)",
  },
] as const satisfies readonly ColumnDefinition[];

/** Fields only the JSON export carries; they are null in rows loaded from CSV. */
const jsonOnlyColumns = [
  {
    name: "sentiments",
    type: "json",
    shape: "list of objects",
    description: "JSON only: list of {speaker, average, final, trend}",
  },
  {
    name: "spawned_calls",
    type: "json",
    shape: "list",
    description: "JSON only: callIds (integers) of calls this call launched (warm transfers)",
  },
  { name: "team", type: "string", description: "JSON only" },
  { name: "audit_status", type: "string", description: "JSON only" },
  { name: "recompute_phase", type: "string", description: "JSON only" },
  { name: "last_recompute_time", type: "timestamp", description: "JSON only" },
  { name: "business_open_state", type: "string", description: "JSON only: open, off-hours or closed" },
  { name: "who_hung_up", type: "string", description: "JSON only: us or other_party" },
  { name: "abandoned", type: "boolean", description: "JSON only: caller hung up in the ACD queue" },
  { name: "queue_wait_ms", type: "integer", description: "JSON only" },
  { name: "csat", type: "float", description: "JSON only" },
  { name: "nps", type: "float", description: "JSON only" },
  {
    name: "inbound_rtp_quality",
    type: "json",
    shape: "object",
    description: "JSON only (vendor snake_case keys kept)",
  },
  {
    name: "outbound_rtp_quality",
    type: "json",
    shape: "object",
    description: "JSON only (vendor snake_case keys kept)",
  },
] as const satisfies readonly ColumnDefinition[];

export const voicegainJsonOnlyColumns: readonly string[] = jsonOnlyColumns.map((column) => column.name);

export const callsStream = {
  name: "calls",
  description: "One row per Voicegain call (GET /sa/call); re-exports of a call update its row.",
  writeDisposition: "merge",
  primaryKey: ["call_id"],
  eventTimeColumn: "start_time",
  columns: [...sharedColumns, ...jsonOnlyColumns],
  // How a call maps: a JSON page's as sent, a CSV page's as the JSON call each record stands for (voicegain-csv-calls.ts).
  mapping: jsonCallMapping,
} as const satisfies MergeStreamDefinition;

export const voicegainStreams = [callsStream] as const;
