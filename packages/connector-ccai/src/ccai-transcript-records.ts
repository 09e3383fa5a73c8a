import type { Channels } from "./ccai-analysis-records.ts";
import {
  durationNanosAt,
  type JsonObject,
  lastSegment,
  listAt,
  numberAt,
  objectAt,
  stringAt,
  timestampAt,
} from "./ccai-proto.ts";

/** Annotation boundaries omit `transcriptIndex` 0 (vendor-apis §1.15 note), so an absent index is the first segment. */
function annotationsAt(metadata: JsonObject | undefined, index: number, kind: string): JsonObject[] {
  return listAt(metadata, "annotations")
    .filter((annotation) => numberAt(objectAt(annotation, "annotationStartBoundary"), "transcriptIndex") === index)
    .map((annotation) => objectAt(annotation, kind))
    .filter((data): data is JsonObject => data !== undefined);
}

/**
 * The export's `sentences`, `words`, `transcript` and speaking percentages from the REST transcript (vendor-apis §1.8,
 * §1.13.1). How Google derives speaking percentages and the transcript text is not documented [I]: speaking time is
 * the sum of word durations per channel over the conversation's duration, the text joins segments with spaces.
 */
export function transcriptColumns(
  conversation: JsonObject,
  metadata: JsonObject | undefined,
  channels: Channels | undefined,
  durationNanos: number,
) {
  const transcript = objectAt(conversation, "transcript");
  if (transcript === undefined) {
    return {
      transcript: null,
      sentences: null,
      words: null,
      agentSpeakingPercentage: null,
      clientSpeakingPercentage: null,
    };
  }
  const segments = listAt(transcript, "transcriptSegments");
  const intents = objectAt(metadata, "intents");
  const spoken = new Map<number, number>();
  const words: object[] = [];
  const sentences = segments.map((segment, index) => {
    const channel = numberAt(segment, "channelTag");
    const languageCode = stringAt(segment, "languageCode") ?? "";
    const segmentWords = listAt(segment, "words").map((word) => ({
      word: stringAt(word, "word") ?? "",
      startOffsetNanos: durationNanosAt(word, "startOffset"),
      endOffsetNanos: durationNanosAt(word, "endOffset"),
      speakerTag: channel,
      languageCode,
    }));
    for (const word of segmentWords) {
      words.push(word);
      spoken.set(channel, (spoken.get(channel) ?? 0) + word.endOffsetNanos - word.startOffsetNanos);
    }
    const sentiment = objectAt(segment, "sentiment");
    const participant = objectAt(segment, "segmentParticipant");
    const messageTime = timestampAt(segment, "messageTime");
    return {
      sentence: stringAt(segment, "text") ?? "",
      sentimentScore: sentiment === undefined ? null : numberAt(sentiment, "score"),
      sentimentMagnitude: sentiment === undefined ? null : numberAt(sentiment, "magnitude"),
      speakerTag: channel,
      languageCode: languageCode === "" ? null : languageCode,
      startOffsetNanos: segmentWords[0]?.startOffsetNanos ?? null,
      endOffsetNanos: segmentWords.at(-1)?.endOffsetNanos ?? null,
      // Epoch nanoseconds exceed 2^53, so they stay a decimal string, as in the emulator's export rows.
      createTimeNanos: messageTime === undefined ? null : String(messageTime.nanos),
      participantId: stringAt(participant, "userId") ?? stringAt(participant, "dialogflowParticipantName") ?? null,
      participantRole: stringAt(participant, "role") ?? "ROLE_UNSPECIFIED",
      obfuscatedExternalUserId: stringAt(participant, "obfuscatedExternalUserId") ?? null,
      isCoveredBySmartReplyAllowlist:
        objectAt(segment, "dialogflowSegmentMetadata")?.smartReplyAllowlistCovered === true,
      annotations: [],
      intentMatchData: annotationsAt(metadata, index, "intentMatchData").map((data) => {
        const intentId = stringAt(data, "intentUniqueId") ?? "";
        return { intentId, displayName: stringAt(objectAt(intents, intentId), "displayName") ?? "" };
      }),
      phraseMatchData: annotationsAt(metadata, index, "phraseMatchData").map((data) => ({
        phraseMatcherId: lastSegment(stringAt(data, "phraseMatcher")) ?? "",
        revisionId: null,
        displayName: stringAt(data, "displayName") ?? "",
      })),
      highlightData: [],
      dialogflowIntentMatchData: [],
    };
  });
  const speaking = (channel: number | undefined): number | null => {
    if (channel === undefined || durationNanos === 0 || stringAt(conversation, "medium") === "CHAT") return null;
    return Math.round(((spoken.get(channel) ?? 0) / durationNanos) * 10_000) / 10_000;
  };
  return {
    transcript: sentences.map((sentence) => sentence.sentence).join(" "),
    sentences,
    words,
    agentSpeakingPercentage: speaking(channels?.agent),
    clientSpeakingPercentage: speaking(channels?.customer),
  };
}
