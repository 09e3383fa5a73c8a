import { ValueProblem } from "@parley/core";
import { analysisColumns, callAnalysisMetadata, channelsOf } from "./ccai-analysis-records.ts";
import {
  durationNanosAt,
  isObject,
  type JsonObject,
  listAt,
  numberAt,
  objectAt,
  type ReadTimestamp,
  stringAt,
  timestampAt,
} from "./ccai-proto.ts";
import { transcriptColumns } from "./ccai-transcript-records.ts";

export type ConversationMapping =
  | { readonly ok: true; readonly row: Record<string, unknown>; readonly updateTime: ReadTimestamp }
  | { readonly ok: false; readonly reason: string; readonly updateTime: ReadTimestamp | undefined };

const keyValues = (map: JsonObject | undefined) =>
  Object.keys(map ?? {})
    .sort()
    .map((key) => ({ key, value: typeof map?.[key] === "string" ? map[key] : "" }));

function summary(conversation: JsonObject) {
  const latest = objectAt(conversation, "latestSummary");
  if (latest === undefined) return null;
  return {
    text: stringAt(latest, "text") ?? "",
    textSections: keyValues(objectAt(latest, "textSections")),
    confidence: numberAt(latest, "confidence"),
    metadata: keyValues(objectAt(latest, "metadata")),
    answerRecord: stringAt(latest, "answerRecord") ?? null,
    conversationModel: stringAt(latest, "conversationModel") ?? null,
  };
}

/** The conversation's agent: agents[0].agentId when it names one, else the top-level agentId, else NULL. */
export function agentOf(agents: readonly { agentId: string }[], topLevel: string | undefined): string | null {
  const first = agents[0]?.agentId;
  if (first !== undefined && first !== "") return first;
  return topLevel === undefined || topLevel === "" ? null : topLevel;
}

/**
 * A REST Conversation (vendor-apis §1.7) as a `ccai_conversations` row in the export's column names. Absent numbers
 * and booleans are their proto3 defaults (0, false); absent strings are NULL, as the export writes them; an absent
 * `medium` is `MEDIUM_UNSPECIFIED`, the enum's default name.
 */
export function mapConversation(raw: unknown): ConversationMapping {
  let updateTime: ReadTimestamp | undefined;
  try {
    if (!isObject(raw)) return { ok: false, reason: "the conversation is not a JSON object", updateTime: undefined };
    updateTime = timestampAt(raw, "updateTime");
    const name = stringAt(raw, "name");
    if (name === undefined || name === "") return { ok: false, reason: 'the conversation has no "name"', updateTime };
    if (updateTime === undefined) return { ok: false, reason: `conversation ${name} has no "updateTime"`, updateTime };
    const created = timestampAt(raw, "createTime");
    const started = timestampAt(raw, "startTime");
    const analysis = objectAt(raw, "latestAnalysis");
    const analysed = timestampAt(analysis, "createTime");
    const channels = channelsOf(raw);
    const duration = durationNanosAt(raw, "duration");
    const load = created === undefined ? undefined : new Date(created.seconds * 1000);
    const { transcript: _transcript, ...rawConversation } = raw;
    const agents = listAt(objectAt(raw, "qualityMetadata"), "agentInfo").map((agent) => ({
      agentId: stringAt(agent, "agentId") ?? "",
      agentDisplayName: stringAt(agent, "displayName") ?? "",
      agentTeam: stringAt(agent, "team") ?? "",
    }));
    const row = {
      conversationName: name,
      audioFileUri: stringAt(objectAt(objectAt(raw, "dataSource"), "gcsSource"), "audioUri") ?? null,
      // One agent rule for both paths: V4+ exports deprecate agentId for agents[] (from agentInfo), so the first
      // listed agent wins; the top-level agentId only stands in when agentInfo names none (what V3 exports carry).
      agentId: agentOf(agents, stringAt(raw, "agentId")),
      startTimestampUtc: started?.seconds ?? null,
      loadTimestampUtc: created?.seconds ?? null,
      analysisTimestampUtc: analysed?.seconds ?? null,
      conversationUpdateTimestampUtc: updateTime.seconds,
      year: load?.getUTCFullYear() ?? null,
      month: load === undefined ? null : load.getUTCMonth() + 1,
      day: load?.getUTCDate() ?? null,
      durationNanos: duration,
      ...analysisColumns(analysis, channels),
      ...transcriptColumns(raw, callAnalysisMetadata(analysis), channels, duration),
      turnCount: numberAt(raw, "turnCount"),
      languageCode: stringAt(raw, "languageCode") ?? null,
      medium: stringAt(raw, "medium") ?? "MEDIUM_UNSPECIFIED",
      labels: keyValues(objectAt(raw, "labels")),
      latestSummary: summary(raw),
      agents,
      startTimestamp: started?.iso ?? null,
      loadTimestamp: created?.iso ?? null,
      analysisTimestamp: analysed?.iso ?? null,
      conversationUpdateTimestamp: updateTime.iso,
      rawConversation,
    };
    return { ok: true, row, updateTime };
  } catch (error) {
    if (!(error instanceof ValueProblem)) throw error;
    const name = isObject(raw) && typeof raw.name === "string" ? `conversation ${raw.name}: ` : "";
    return { ok: false, reason: `${name}${error.message}`, updateTime };
  }
}
