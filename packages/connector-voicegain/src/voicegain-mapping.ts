import type { FieldMapping, ItemKey, RecordMapping } from "@parley/core";

// Items of the calls' object lists (vendor-apis §2.5), in the key order every format stores them in.
export const wordCloudKeys: readonly ItemKey[] = [
  { key: "phrase", reading: "text or null" },
  { key: "freq", reading: "whole number" },
];
export const dtmfEventKeys: readonly ItemKey[] = [
  { key: "dtmf", reading: "text or null" },
  { key: "timestamp", reading: "whole number" },
  { key: "channel", reading: "text or null" },
];
export const markerKeys: readonly ItemKey[] = [
  { key: "time", reading: "whole number" },
  { key: "type", reading: "text or null" },
  { key: "note", reading: "text or null" },
];

const text = (column: string, from: string, within?: string): FieldMapping =>
  within === undefined
    ? { column, from: [from], reading: "text or null" }
    : { column, from: [from], reading: "text or null", within };

/**
 * A JSON `VoiceCall` (vendor-apis §2.5) as a row of the calls stream: the one declaration both the JavaScript
 * mapper (every sink, and the row path) and a sink's bulk path (SQL generated from it) execute. Every field may
 * arrive as `""` for "absent"; keys are matched as spelled, and fields the stream does not keep are left out.
 */
export const jsonCallMapping: RecordMapping = {
  keys: "exact",
  fields: [
    { column: "call_id", from: ["callId"], reading: "numeric id" },
    text("account_id", "accountId"),
    text("context_id", "contextId"),
    { column: "start_time", from: ["startTime"], reading: "utc time" },
    { column: "end_time", from: ["endTime"], reading: "utc time" },
    { column: "duration", from: ["duration"], reading: "whole number" },
    text("direction", "direction"),
    text("external_endpoint", "externalEndpoint"),
    text("internal_endpoint", "internalEndpoint"),
    text("recording", "recording"),
    text("sa_session_id", "saSessionId"),
    text("agent_id", "agentId", "agent"),
    text("agent_email", "email", "agent"),
    text("agent_name", "name", "agent"),
    text("agent_user_id", "userId", "agent"),
    text("agent_channel", "channel", "agent"),
    text("queue_id", "queueId", "queue"),
    text("queue_name", "name", "queue"),
    { column: "sentiment", from: ["sentiment"], reading: "number" },
    text("cr_answers_id", "crAnswersId"),
    { column: "score", from: ["score"], reading: "number" },
    text("review_status", "reviewStatus"),
    text("review_notes", "reviewNotes"),
    text("notes", "notes"),
    { column: "tags", from: ["tags"], reading: "text list" },
    { column: "keywords", from: ["keywords"], reading: "text list" },
    { column: "topics", from: ["topics"], reading: "text list" },
    { column: "call_resolved", from: ["callResolved"], reading: "true or false" },
    { column: "incidents", from: ["incidents"], reading: "whole number" },
    { column: "word_cloud", from: ["wordCloud"], reading: "object list", itemKeys: wordCloudKeys },
    { column: "num_audio_channels", from: ["numAudioChannels"], reading: "whole number" },
    { column: "num_spk_channels", from: ["numSpkChannels"], reading: "whole number" },
    { column: "version", from: ["version"], reading: "whole number" },
    text("aivr_app_id", "aivrAppId"),
    text("aivr_session_id", "aivrSessionId"),
    { column: "originating_call_id", from: ["originatingCallId"], reading: "numeric id" },
    text("progress_phase", "progressPhase"),
    text("aivr_transfer_dest_type", "aivrTransferDestType"),
    text("call_center_call_id", "callCenterCallId"),
    text("language", "language"),
    { column: "dtmf_events", from: ["dtmfEvents"], reading: "object list", itemKeys: dtmfEventKeys },
    { column: "daily_repeat_calls", from: ["dailyRepeatCalls"], reading: "whole number" },
    { column: "markers", from: ["markers"], reading: "object list", itemKeys: markerKeys },
    { column: "sentiments", from: ["sentiments"], reading: "json as sent" },
    { column: "spawned_calls", from: ["spawnedCalls"], reading: "numeric id list" },
    text("team", "team"),
    text("audit_status", "auditStatus"),
    text("recompute_phase", "recomputePhase"),
    { column: "last_recompute_time", from: ["lastRecomputeTime"], reading: "utc time" },
    text("business_open_state", "businessOpenState"),
    text("who_hung_up", "whoHungUp"),
    { column: "abandoned", from: ["abandoned"], reading: "true or false" },
    { column: "queue_wait_ms", from: ["queueWaitMs"], reading: "whole number" },
    { column: "csat", from: ["csat"], reading: "number" },
    { column: "nps", from: ["nps"], reading: "number" },
    { column: "inbound_rtp_quality", from: ["inboundRtpQuality"], reading: "json as sent" },
    { column: "outbound_rtp_quality", from: ["outboundRtpQuality"], reading: "json as sent" },
  ],
};
