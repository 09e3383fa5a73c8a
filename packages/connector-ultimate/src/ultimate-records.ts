import { type Coerced, invalid, toBoolean, toCount, toJson, toText, toTimestamp } from "./ultimate-values.ts";

type Kind = "text" | "timestamp" | "count" | "boolean" | "json";

interface Field {
  readonly column: string;
  readonly kind: Kind;
}

/** Vendor field name -> column. Names follow seeds 003 and 004; both count families are kept (quirk 5). */
const vendorFields: Readonly<Record<string, Field>> = {
  bot_id: { column: "bot_id", kind: "text" },
  bot_name: { column: "bot_name", kind: "text" },
  conversation_id: { column: "conversation_id", kind: "text" },
  platform_conversation_id: { column: "platform_conversation_id", kind: "text" },
  conversation_start_time: { column: "conversation_start_time", kind: "timestamp" },
  conversation_end_time: { column: "conversation_end_time", kind: "timestamp" },
  conversation_type: { column: "conversation_type", kind: "text" },
  language: { column: "language", kind: "text" },
  channel: { column: "channel", kind: "text" },
  labels: { column: "labels", kind: "json" },
  segments: { column: "segments", kind: "json" },
  conversations_data: { column: "conversations_data", kind: "json" },
  // Seen live under the singular name (vendor-apis §3.6, quirk 3).
  conversation_data: { column: "conversations_data", kind: "json" },
  test_mode: { column: "test_mode", kind: "boolean" },
  conversation_status: { column: "conversation_status", kind: "text" },
  automated_resolution: { column: "automated_resolution", kind: "text" },
  automated_resolution_reasoning: { column: "automated_resolution_reasoning", kind: "text" },
  last_resolution: { column: "last_resolution", kind: "text" },
  triggered_replies: { column: "triggered_replies", kind: "json" },
  triggered_intent_replies: { column: "triggered_intent_replies", kind: "json" },
  triggered_procedures: { column: "triggered_procedures", kind: "json" },
  triggered_use_cases: { column: "triggered_use_cases", kind: "json" },
  knowledge_sources: { column: "knowledge_sources", kind: "json" },
  has_knowledge_response_attempt: { column: "has_knowledge_response_attempt", kind: "boolean" },
  is_llm_conversation: { column: "is_llm_conversation", kind: "boolean" },
  knowledge_notUnderstood_count: { column: "knowledge_not_understood_count", kind: "count" },
  knowledge_responseGenerated_count: { column: "knowledge_response_generated_count", kind: "count" },
  knowledge_errorOccurred_count: { column: "knowledge_error_occurred_count", kind: "count" },
  knowledge_escalationRequired_count: { column: "knowledge_escalation_required_count", kind: "count" },
  knowledge_fallback_count: { column: "knowledge_fallback_count", kind: "count" },
  llm_notUnderstood_count: { column: "llm_not_understood_count", kind: "count" },
  llm_responseGenerated_count: { column: "llm_response_generated_count", kind: "count" },
  llm_errorOccurred_count: { column: "llm_error_occurred_count", kind: "count" },
  llm_escalationRequired_count: { column: "llm_escalation_required_count", kind: "count" },
  llm_fallback_count: { column: "llm_fallback_count", kind: "count" },
  bot_messages_count: { column: "bot_messages_count", kind: "count" },
  // One measure under two names (quirk 4); messages_count_field records which one arrived.
  customer_messages_count: { column: "customer_messages_count", kind: "count" },
  visitor_messages_count: { column: "customer_messages_count", kind: "count" },
  not_understood_messages_count: { column: "not_understood_messages_count", kind: "count" },
};

// Keys were seen UPPER-CASE live (quirk 10): the exact, lower- and upper-case spellings are looked up
// directly, so the usual record costs one map lookup per key and no string work.
const fieldsByKey = new Map<string, Field & { readonly vendorName: string }>();
for (const [name, field] of Object.entries(vendorFields)) {
  for (const spelling of [name, name.toLowerCase(), name.toUpperCase()])
    fieldsByKey.set(spelling, { ...field, vendorName: name });
}

const coercers: Readonly<Record<Kind, (value: unknown) => unknown>> = {
  text: toText,
  timestamp: toTimestamp,
  count: toCount,
  boolean: toBoolean,
  json: toJson,
};

const describe = (value: unknown): string =>
  typeof value === "string" ? JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value) : typeof value;

export interface RecordOrigin {
  /** The bot whose export held the record; fills a missing bot_id. */
  readonly botId: string | undefined;
  readonly exportDate: string | null;
  readonly exportVersion: string | null;
}

export type MappedConversation =
  | { readonly ok: true; readonly row: Record<string, unknown> }
  | { readonly ok: false; readonly reason: string };

/** A row with every column present, so all rows share one object shape. */
function emptyRow(origin: RecordOrigin): Record<string, unknown> {
  return {
    bot_id: origin.botId ?? null,
    conversation_id: null,
    bot_name: null,
    platform_conversation_id: null,
    conversation_start_time: null,
    conversation_end_time: null,
    export_date: origin.exportDate,
    export_version: origin.exportVersion,
    conversation_type: null,
    language: null,
    channel: null,
    labels: null,
    segments: null,
    conversations_data: null,
    test_mode: null,
    conversation_status: null,
    automated_resolution: null,
    automated_resolution_reasoning: null,
    last_resolution: null,
    triggered_replies: null,
    triggered_intent_replies: null,
    triggered_procedures: null,
    triggered_use_cases: null,
    knowledge_sources: null,
    has_knowledge_response_attempt: null,
    is_llm_conversation: null,
    knowledge_not_understood_count: null,
    knowledge_response_generated_count: null,
    knowledge_error_occurred_count: null,
    knowledge_escalation_required_count: null,
    knowledge_fallback_count: null,
    llm_not_understood_count: null,
    llm_response_generated_count: null,
    llm_error_occurred_count: null,
    llm_escalation_required_count: null,
    llm_fallback_count: null,
    bot_messages_count: null,
    customer_messages_count: null,
    messages_count_field: null,
    not_understood_messages_count: null,
    extra_fields: null,
  };
}

/** One exported conversation (a parsed JSON element) as a row of `ultimate_conversations`, or why it cannot be one. */
export function mapConversation(raw: unknown, origin: RecordOrigin): MappedConversation {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    return {
      ok: false,
      reason: `expected a conversation object, got ${Array.isArray(raw) ? "a list" : describe(raw)}`,
    };
  }
  const row = emptyRow(origin);
  let extra: Record<string, unknown> | null = null;
  for (const key in raw) {
    const value = (raw as Record<string, unknown>)[key];
    const field = fieldsByKey.get(key) ?? fieldsByKey.get(key.toLowerCase());
    if (field === undefined) {
      extra ??= {};
      extra[key] = value;
      continue;
    }
    const coerced = coercers[field.kind](value) as Coerced<unknown>;
    if (coerced === invalid) {
      return {
        ok: false,
        reason: `field ${field.vendorName}: cannot read ${describe(value)} as ${field.kind === "count" ? "a whole-number count" : `a ${field.kind}`}`,
      };
    }
    if (coerced === null && row[field.column] !== null) continue;
    row[field.column] = coerced;
    if (field.column === "customer_messages_count") row.messages_count_field = field.vendorName;
  }
  if (typeof row.conversation_id !== "string" || row.conversation_id === "")
    return { ok: false, reason: "field conversation_id: missing or empty" };
  if (row.bot_id === null)
    return { ok: false, reason: "field bot_id: missing (and the file does not say which bot it belongs to)" };
  row.extra_fields = extra;
  return { ok: true, row };
}
