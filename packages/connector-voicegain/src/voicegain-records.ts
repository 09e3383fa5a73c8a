import { ValueProblem } from "@parley/core";
import {
  booleanField,
  type CallRow,
  callIdField,
  callIdFrom,
  dtmfEvent,
  floatField,
  integerField,
  jsonTimeField,
  type MappedCall,
  marker,
  stringField,
  stringList,
  wordCloudItem,
} from "./voicegain-values.ts";

type JsonObject = Record<string, unknown>;

function objectField(field: string, value: unknown): JsonObject | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "object" || Array.isArray(value)) throw new ValueProblem(`${field}: expected an object`);
  return value as JsonObject;
}

function objectList(field: string, value: unknown): JsonObject[] | null {
  if (value === undefined || value === null) return null;
  if (!Array.isArray(value)) throw new ValueProblem(`${field}: expected a list`);
  return value.map((item, index) => objectField(`${field}[${index}]`, item) ?? {});
}

function jsonValue(value: unknown): unknown {
  return value === undefined ? null : value;
}

/**
 * A JSON `VoiceCall` (vendor-apis §2.5) as a row: the columns both formats share, then the JSON-only ones, built as
 * one object so every row has the same shape from the start.
 */
function jsonRow(call: JsonObject): CallRow {
  const agent = objectField("agent", call.agent);
  const queue = objectField("queue", call.queue);
  return {
    call_id: callIdField("callId", call.callId),
    account_id: stringField("accountId", call.accountId),
    context_id: stringField("contextId", call.contextId),
    start_time: jsonTimeField("startTime", call.startTime),
    end_time: jsonTimeField("endTime", call.endTime),
    duration: integerField("duration", call.duration),
    direction: stringField("direction", call.direction),
    external_endpoint: stringField("externalEndpoint", call.externalEndpoint),
    internal_endpoint: stringField("internalEndpoint", call.internalEndpoint),
    recording: stringField("recording", call.recording),
    sa_session_id: stringField("saSessionId", call.saSessionId),
    agent_id: stringField("agent.agentId", agent?.agentId),
    agent_email: stringField("agent.email", agent?.email),
    agent_name: stringField("agent.name", agent?.name),
    agent_user_id: stringField("agent.userId", agent?.userId),
    agent_channel: stringField("agent.channel", agent?.channel),
    queue_id: stringField("queue.queueId", queue?.queueId),
    queue_name: stringField("queue.name", queue?.name),
    sentiment: floatField("sentiment", call.sentiment),
    cr_answers_id: stringField("crAnswersId", call.crAnswersId),
    score: floatField("score", call.score),
    review_status: stringField("reviewStatus", call.reviewStatus),
    review_notes: stringField("reviewNotes", call.reviewNotes),
    notes: stringField("notes", call.notes),
    tags: stringList("tags", call.tags),
    keywords: stringList("keywords", call.keywords),
    topics: stringList("topics", call.topics),
    call_resolved: booleanField("callResolved", call.callResolved),
    incidents: integerField("incidents", call.incidents),
    word_cloud:
      objectList("wordCloud", call.wordCloud)?.map((item, index) =>
        wordCloudItem(`wordCloud[${index}]`, item.phrase, item.freq),
      ) ?? null,
    num_audio_channels: integerField("numAudioChannels", call.numAudioChannels),
    num_spk_channels: integerField("numSpkChannels", call.numSpkChannels),
    version: integerField("version", call.version),
    aivr_app_id: stringField("aivrAppId", call.aivrAppId),
    aivr_session_id: stringField("aivrSessionId", call.aivrSessionId),
    originating_call_id: callIdField("originatingCallId", call.originatingCallId),
    progress_phase: stringField("progressPhase", call.progressPhase),
    aivr_transfer_dest_type: stringField("aivrTransferDestType", call.aivrTransferDestType),
    call_center_call_id: stringField("callCenterCallId", call.callCenterCallId),
    language: stringField("language", call.language),
    dtmf_events:
      objectList("dtmfEvents", call.dtmfEvents)?.map((item, index) =>
        dtmfEvent(`dtmfEvents[${index}]`, item.dtmf, item.timestamp, item.channel),
      ) ?? null,
    daily_repeat_calls: integerField("dailyRepeatCalls", call.dailyRepeatCalls),
    markers:
      objectList("markers", call.markers)?.map((item, index) =>
        marker(`markers[${index}]`, item.time, item.type, item.note),
      ) ?? null,
    sentiments: jsonValue(call.sentiments),
    spawned_calls:
      stringList("spawnedCalls", call.spawnedCalls)?.map((id, index) => callIdField(`spawnedCalls[${index}]`, id)) ??
      null,
    team: stringField("team", call.team),
    audit_status: stringField("auditStatus", call.auditStatus),
    recompute_phase: stringField("recomputePhase", call.recomputePhase),
    last_recompute_time: jsonTimeField("lastRecomputeTime", call.lastRecomputeTime),
    business_open_state: stringField("businessOpenState", call.businessOpenState),
    who_hung_up: stringField("whoHungUp", call.whoHungUp),
    abandoned: booleanField("abandoned", call.abandoned),
    queue_wait_ms: integerField("queueWaitMs", call.queueWaitMs),
    csat: floatField("csat", call.csat),
    nps: floatField("nps", call.nps),
    inbound_rtp_quality: jsonValue(call.inboundRtpQuality),
    outbound_rtp_quality: jsonValue(call.outboundRtpQuality),
  };
}

/** Maps one element of a `format=json` page to a row, or says which field could not be read. */
export function mapJsonCall(value: unknown): MappedCall {
  const call = value !== null && typeof value === "object" && !Array.isArray(value) ? (value as JsonObject) : undefined;
  const callId = callIdFrom(call?.callId);
  if (call === undefined) return { ok: false, callId, reason: "expected a call object" };
  if (callId === undefined)
    return {
      ok: false,
      callId,
      reason: `callId: ${JSON.stringify(call.callId) ?? "missing"} is not a numeric call id`,
    };
  try {
    const row = jsonRow(call);
    return { ok: true, callId, row };
  } catch (error) {
    if (error instanceof ValueProblem) return { ok: false, callId, reason: error.message };
    throw error;
  }
}
