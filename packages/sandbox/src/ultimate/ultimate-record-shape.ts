import type { UltimateBot } from "./ultimate-bots.ts";
import type { Conversation } from "./ultimate-conversation.ts";
import { formatTimestamp } from "./ultimate-dates.ts";
import { quoted, quotedList } from "./ultimate-json-text.ts";
import type { ResolvedDataOptions, UltimateApiVersion } from "./ultimate-options.ts";

/** One exported conversation, exactly as it appears in a file (after the key and shape switches). */
export type UltimateRecord = Record<string, unknown>;

const canonicalKeys = [
  "bot_id",
  "bot_name",
  "conversation_id",
  "platform_conversation_id",
  "conversation_start_time",
  "conversation_end_time",
  "conversation_type",
  "language",
  "channel",
  "labels",
  "segments",
  "conversations_data",
  "test_mode",
  "conversation_status",
  "automated_resolution",
  "automated_resolution_reasoning",
  "last_resolution",
  "triggered_replies",
  "triggered_intent_replies",
  "triggered_procedures",
  "triggered_use_cases",
  "has_knowledge_response_attempt",
  "is_llm_conversation",
  "knowledge_notUnderstood_count",
  "knowledge_responseGenerated_count",
  "knowledge_errorOccurred_count",
  "knowledge_escalationRequired_count",
  "knowledge_fallback_count",
  "knowledge_sources",
  "llm_notUnderstood_count",
  "llm_responseGenerated_count",
  "llm_errorOccurred_count",
  "llm_escalationRequired_count",
  "llm_fallback_count",
  "bot_messages_count",
  "customer_messages_count",
  "visitor_messages_count",
  "not_understood_messages_count",
] as const;

/** `"key":` prefixes as they are written, after the key-name switches. */
type RecordKeys = Readonly<Record<(typeof canonicalKeys)[number], string>>;

export interface RecordLayout {
  readonly version: UltimateApiVersion;
  readonly keys: RecordKeys;
  readonly sessionAsString: boolean;
}

type LayoutOptions = Pick<
  ResolvedDataOptions,
  "conversationsData" | "conversationsDataKey" | "messagesCountKey" | "upperCaseKeys"
>;

export function createRecordLayout(version: UltimateApiVersion, options: LayoutOptions): RecordLayout {
  const keys = {} as Record<(typeof canonicalKeys)[number], string>;
  for (const name of canonicalKeys) {
    let written: string = name;
    if (name === "conversations_data") written = options.conversationsDataKey;
    if (name === "customer_messages_count") written = options.messagesCountKey;
    // Only top-level keys were seen upper-cased live (vendor-apis §3.6).
    keys[name] = `"${options.upperCaseKeys ? written.toUpperCase() : written}":`;
  }
  return { version, keys, sessionAsString: options.conversationsData === "string" };
}

/**
 * The record as compact JSON text. Written by hand rather than with JSON.stringify, which alone capped the
 * generator below 150 MB/s; tests parse this same text, so the records they see are the bytes served.
 */
export function recordText(bot: UltimateBot, conversation: Conversation, layout: RecordLayout): string {
  const keys = layout.keys;
  const knowledge = conversation.knowledge;
  const session = layout.sessionAsString ? JSON.stringify(conversation.sessionData) : conversation.sessionData;
  const head =
    `{${keys.bot_id}"${bot.id}",${keys.bot_name}${quoted(bot.name)},` +
    `${keys.conversation_id}"${conversation.conversationId}",` +
    `${keys.platform_conversation_id}"${conversation.platformConversationId}",` +
    `${keys.conversation_start_time}"${formatTimestamp(conversation.startTime)}",` +
    `${keys.conversation_end_time}"${formatTimestamp(conversation.endTime)}",`;
  if (layout.version === "v2") {
    // Key order follows the seed 003 field table; "undefined" is one of its last_resolution values.
    return (
      `${head}${keys.language}${quoted(conversation.language)},` +
      `${keys.channel}"${conversation.emailChannel ? "ticket" : "chat"}",${keys.labels}${quotedList(conversation.labels)},` +
      `${keys.conversations_data}${session},${keys.test_mode}${conversation.testMode},` +
      `${keys.conversation_status}"${conversation.status}",` +
      `${keys.last_resolution}"${conversation.resolutionUndefined ? "undefined" : conversation.lastResolution}",` +
      `${keys.triggered_replies}${repliesText(bot, conversation)},` +
      `${keys.triggered_intent_replies}${intentRepliesText(bot, conversation)},` +
      `${keys.is_llm_conversation}${knowledge.attempted},` +
      `${keys.llm_notUnderstood_count}"${knowledge.notUnderstood}",` +
      `${keys.llm_responseGenerated_count}"${knowledge.responseGenerated}",` +
      `${keys.llm_errorOccurred_count}"${knowledge.errorOccurred}",` +
      `${keys.llm_escalationRequired_count}"${knowledge.escalationRequired}",` +
      `${keys.llm_fallback_count}"${knowledge.fallback}",${keys.bot_messages_count}"${conversation.botMessages}",` +
      `${keys.visitor_messages_count}"${conversation.customerMessages}",` +
      `${keys.not_understood_messages_count}"${conversation.notUnderstoodMessages}"}`
    );
  }
  const hasUseCase = conversation.intents.some((entry) => !entry.intent.notMeaningful);
  const type = hasUseCase
    ? knowledge.attempted
      ? "Hybrid"
      : "Use case"
    : knowledge.attempted
      ? "Knowledge"
      : "Others";
  const channel = conversation.emailChannel ? "email" : conversation.chatSpelling ? "chat" : "messaging";
  const reasoning = conversation.automatedResolution === "" ? "" : conversation.automatedResolutionReasoning;
  // Key order follows the seed 004 example, with the fields only its table lists placed as the table does.
  return (
    `${head}${keys.conversation_type}"${type}",${keys.language}${quoted(conversation.language)},` +
    `${keys.channel}"${channel}",${keys.labels}${quotedList(conversation.labels)},` +
    `${keys.segments}${quotedList(conversation.segments)},${keys.conversations_data}${session},` +
    `${keys.test_mode}${conversation.testMode},${keys.conversation_status}"${conversation.status}",` +
    `${keys.automated_resolution}"${conversation.automatedResolution}",` +
    `${keys.automated_resolution_reasoning}${quoted(reasoning)},${keys.last_resolution}"${conversation.lastResolution}",` +
    `${keys.triggered_replies}${repliesText(bot, conversation)},` +
    `${keys.triggered_intent_replies}${intentRepliesText(bot, conversation)},` +
    `${keys.triggered_procedures}${proceduresText(bot, conversation)},` +
    `${keys.triggered_use_cases}${useCasesText(bot, conversation)},` +
    `${keys.has_knowledge_response_attempt}${knowledge.attempted},${keys.is_llm_conversation}${knowledge.attempted},` +
    `${keys.knowledge_notUnderstood_count}"${knowledge.notUnderstood}",` +
    `${keys.knowledge_responseGenerated_count}"${knowledge.responseGenerated}",` +
    `${keys.knowledge_errorOccurred_count}"${knowledge.errorOccurred}",` +
    `${keys.knowledge_escalationRequired_count}"${knowledge.escalationRequired}",` +
    `${keys.knowledge_fallback_count}"${knowledge.fallback}",${keys.knowledge_sources}${sourcesText(conversation)},` +
    `${keys.bot_messages_count}"${conversation.botMessages}",` +
    `${keys.customer_messages_count}"${conversation.customerMessages}",` +
    `${keys.not_understood_messages_count}"${conversation.notUnderstoodMessages}"}`
  );
}

// A reply follows its intent by ~1.8 s, as in the seed 004 example; suggestion-engine bots send none.
function repliesText(bot: UltimateBot, conversation: Conversation): string {
  if (!conversation.botReplies) return "[]";
  const language = quoted(conversation.language);
  const parts = conversation.intents.map(
    (entry) =>
      `{"reply_timestamp":"${formatTimestamp(Math.min(entry.time + 1780, conversation.endTime))}",` +
      `"reply_id":"${bot.replyIds.get(entry.intent.name)}","reply_language":${language},` +
      `"reply_name":${quoted(entry.intent.name)},"reply_type":"normal","intent_id":"${bot.intentIds.get(entry.intent.name)}"}`,
  );
  return `[${parts.join(",")}]`;
}

function intentRepliesText(bot: UltimateBot, conversation: Conversation): string {
  const parts = conversation.intents.map(
    (entry) =>
      `{"intent_timestamp":"${formatTimestamp(entry.time)}","intent_id":"${bot.intentIds.get(entry.intent.name)}",` +
      `"intent_name":${quoted(entry.intent.name)},"not_meaningful":${entry.intent.notMeaningful}}`,
  );
  return `[${parts.join(",")}]`;
}

// Seed 004's SQL reads triggered_use_cases[0].intent_name, so use cases are objects carrying the intent.
function useCasesText(bot: UltimateBot, conversation: Conversation): string {
  const parts: string[] = [];
  for (const entry of conversation.intents) {
    if (entry.intent.notMeaningful) continue;
    parts.push(
      `{"use_case_timestamp":"${formatTimestamp(entry.time)}","intent_id":"${bot.intentIds.get(entry.intent.name)}",` +
        `"intent_name":${quoted(entry.intent.name)},"use_case_type":"${entry.procedure ? "procedure" : "dialogue"}"}`,
    );
  }
  return `[${parts.join(",")}]`;
}

function proceduresText(bot: UltimateBot, conversation: Conversation): string {
  const parts: string[] = [];
  for (const entry of conversation.intents) {
    if (!entry.procedure) continue;
    parts.push(
      `{"procedure_timestamp":"${formatTimestamp(entry.time)}","procedure_id":"${bot.replyIds.get(entry.intent.name)}",` +
        `"intent_id":"${bot.intentIds.get(entry.intent.name)}","use_case_name":${quoted(entry.intent.name)}}`,
    );
  }
  return `[${parts.join(",")}]`;
}

// Seed 004 says "list of article title and URL"; objects as with its other "array of strings" fields (quirk 7) [I].
function sourcesText(conversation: Conversation): string {
  const parts = conversation.knowledge.sources.map(
    (source) => `{"title":${quoted(source.title)},"url":"${source.url}"}`,
  );
  return `[${parts.join(",")}]`;
}
