import type {
  CcaiAnalysis,
  CcaiAnnotation,
  CcaiBoundary,
  CcaiConversation,
  CcaiSentiment,
  CcaiTranscriptSegment,
} from "./ccai-records.ts";

export type JsonObject = Record<string, unknown>;

/**
 * proto3 JSON drops scalars at their default (0, false, "", first enum value) and empty repeated/map fields
 * (vendor-apis §1.10). Sub-messages are kept when set, even if empty (`"silenceData": {}`), so callers pass
 * `undefined` for an unset message.
 */
export function message(fields: JsonObject): JsonObject {
  const result: JsonObject = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined || value === 0 || value === "" || value === false) continue;
    if (Array.isArray(value) && value.length === 0) continue;
    if (typeof value === "string" && value.endsWith("_UNSPECIFIED")) continue;
    result[key] = value;
  }
  return result;
}

/** A map field: omitted when it has no entries. */
export function map<T>(entries: Record<string, T>, encode: (value: T, key: string) => unknown): JsonObject | undefined {
  const keys = Object.keys(entries);
  if (keys.length === 0) return undefined;
  return Object.fromEntries(keys.map((key) => [key, encode(entries[key] as T, key)]));
}

/** RFC 3339 in UTC with 0, 3 or 6 fractional digits, whichever is exact (vendor-apis §1.10). */
export function formatTimestamp(micros: number): string {
  const seconds = Math.floor(micros / 1_000_000);
  const fraction = micros - seconds * 1_000_000;
  const base = new Date(seconds * 1000).toISOString().slice(0, 19);
  if (fraction === 0) return `${base}Z`;
  if (fraction % 1000 === 0) return `${base}.${String(fraction / 1000).padStart(3, "0")}Z`;
  return `${base}.${String(fraction).padStart(6, "0")}Z`;
}

/** proto3 Duration: decimal seconds with an `s` suffix, fraction only when needed ("35s", "274.500s"). */
export function formatDuration(milliseconds: number): string {
  const seconds = Math.floor(milliseconds / 1000);
  const fraction = milliseconds - seconds * 1000;
  return fraction === 0 ? `${seconds}s` : `${seconds}.${String(fraction).padStart(3, "0")}s`;
}

function sentiment(value: CcaiSentiment): JsonObject {
  return message({ magnitude: value.magnitude, score: value.score });
}

function segment(value: CcaiTranscriptSegment): JsonObject {
  return message({
    messageTime: value.messageTimeMicros ? formatTimestamp(value.messageTimeMicros) : undefined,
    text: value.text,
    confidence: value.confidence,
    words: value.words.map((word) =>
      message({
        startOffset: formatDuration(word.startOffsetMs),
        endOffset: formatDuration(word.endOffsetMs),
        word: word.word,
        confidence: word.confidence,
      }),
    ),
    languageCode: value.languageCode,
    channelTag: value.channelTag,
    segmentParticipant: message({ role: value.role }),
    dialogflowSegmentMetadata: value.smartReplyAllowlistCovered ? { smartReplyAllowlistCovered: true } : undefined,
    sentiment: value.sentiment ? sentiment(value.sentiment) : undefined,
  });
}

function boundary(value: CcaiBoundary): JsonObject {
  const encoded = message({ transcriptIndex: value.transcriptIndex });
  // word_index sits in a oneof, so presence is tracked and 0 is written out.
  if (value.wordIndex !== undefined) encoded.wordIndex = value.wordIndex;
  return encoded;
}

function annotation(value: CcaiAnnotation, parent: string, issueModelId: string): JsonObject {
  const data = value.data;
  const encoded = message({
    channelTag: value.channelTag,
    annotationStartBoundary: boundary(value.start),
    annotationEndBoundary: boundary(value.end),
  });
  switch (data.kind) {
    case "silenceData":
    case "holdData":
    case "interruptionData":
      encoded[data.kind] = {};
      break;
    case "sentimentData":
      encoded.sentimentData = sentiment(data.sentiment);
      break;
    case "intentMatchData":
      encoded.intentMatchData = message({ intentUniqueId: data.intentUniqueId });
      break;
    case "phraseMatchData":
      encoded.phraseMatchData = message({
        phraseMatcher: `${parent}/phraseMatchers/${data.phraseMatcherId}`,
        displayName: data.displayName,
      });
      break;
    case "entityMentionData":
      encoded.entityMentionData = message({
        entityUniqueId: data.entityUniqueId,
        type: data.mentionType,
        sentiment: sentiment(data.sentiment),
      });
      break;
    case "issueMatchData":
      encoded.issueMatchData = {
        issueAssignment: message({
          issue: `${parent}/issueModels/${issueModelId}/issues/${data.issueId}`,
          score: data.score,
          displayName: data.displayName,
        }),
      };
      break;
  }
  return encoded;
}

/** `parent` is `projects/{p}/locations/{l}`; the analysis name hangs under the conversation. */
export function encodeCcaiAnalysis(value: CcaiAnalysis, conversationName: string, parent: string): JsonObject {
  const issueModel = value.issueModelResult;
  const issueModelId = issueModel?.issueModelId ?? "";
  return message({
    name: `${conversationName}/analyses/${value.id}`,
    requestTime: formatTimestamp(value.requestTimeMicros),
    createTime: formatTimestamp(value.createTimeMicros),
    analysisResult: {
      callAnalysisMetadata: message({
        annotations: value.annotations.map((item) => annotation(item, parent, issueModelId)),
        entities: map(value.entities, (entity) =>
          message({
            displayName: entity.displayName,
            type: entity.type,
            metadata: map(entity.metadata, (text) => text),
            salience: entity.salience,
            sentiment: entity.sentiment ? sentiment(entity.sentiment) : undefined,
          }),
        ),
        sentiments: value.sentiments.map((item) =>
          message({ channelTag: item.channelTag, sentimentData: sentiment(item.sentiment) }),
        ),
        silence: message({
          silenceDuration: formatDuration(value.silence.durationMs),
          silencePercentage: value.silence.percentage,
        }),
        intents: map(value.intents, (intent, id) => message({ id, displayName: intent.displayName })),
        phraseMatchers: map(value.phraseMatchers, (matcher, id) =>
          message({ phraseMatcher: `${parent}/phraseMatchers/${id}`, displayName: matcher.displayName }),
        ),
        issueModelResult: issueModel
          ? message({
              issueModel: `${parent}/issueModels/${issueModelId}`,
              issues: issueModel.issues.map((issue) =>
                message({
                  issue: `${parent}/issueModels/${issueModelId}/issues/${issue.issueId}`,
                  score: issue.score,
                  displayName: issue.displayName,
                }),
              ),
            })
          : undefined,
      }),
      endTime: formatTimestamp(value.endTimeMicros),
    },
  });
}

export type CcaiView = "BASIC" | "FULL";

/** The REST Conversation; `transcript` is only passed (and only written) for the FULL view (vendor-apis §1.4). */
export function encodeCcaiConversation(
  value: CcaiConversation,
  parent: string,
  transcript: CcaiTranscriptSegment[] | undefined,
): JsonObject {
  const name = `${parent}/conversations/${value.id}`;
  const quality = value.qualityMetadata;
  const qualityMetadata = message({
    customerSatisfactionRating: quality.customerSatisfactionRating,
    waitDuration: quality.waitDurationMs ? formatDuration(quality.waitDurationMs) : undefined,
    menuPath: quality.menuPath,
    agentInfo: quality.agentInfo.map((agent) => message({ ...agent })),
  });
  const latest = value.analyses.at(-1);
  return message({
    name,
    dataSource: { gcsSource: message({ audioUri: value.audioUri, transcriptUri: value.transcriptUri }) },
    createTime: formatTimestamp(value.createTimeMicros),
    updateTime: formatTimestamp(value.updateTimeMicros),
    startTime: value.startTimeMicros ? formatTimestamp(value.startTimeMicros) : undefined,
    languageCode: value.languageCode,
    agentId: value.agentId,
    labels: map(value.labels, (text) => text),
    qualityMetadata: Object.keys(qualityMetadata).length > 0 ? qualityMetadata : undefined,
    callMetadata: value.callMetadata ? message({ ...value.callMetadata }) : undefined,
    // An empty transcript is still a set message in the FULL view.
    transcript: transcript ? message({ transcriptSegments: transcript.map(segment) }) : undefined,
    medium: value.medium,
    duration: value.durationMs ? formatDuration(value.durationMs) : undefined,
    turnCount: value.turnCount,
    latestAnalysis: latest ? encodeCcaiAnalysis(latest, name, parent) : undefined,
  });
}
