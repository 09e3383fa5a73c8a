import type { SeededRandom } from "../server/seeded-random.ts";
import type { CcaiConversation, CcaiRole, CcaiTranscriptSegment, CcaiWord } from "./ccai-records.ts";

/** What agents and customers say; tests may give their own (e.g. lines carrying personal data). */
export interface CcaiTranscriptLines {
  readonly agent: readonly string[];
  readonly customer: readonly string[];
}

const agentLines = [
  "Thank you for calling, how can I help you today?",
  "Let me look into that for you.",
  "I can see the charge on your account.",
  "I have issued a refund, it should arrive in five days.",
  "Is there anything else I can help with?",
  "Could you confirm the email address on the account?",
  "I will transfer you to our billing team.",
] as const;

const customerLines = [
  "Hi, I was charged twice this month.",
  "I want to cancel my subscription.",
  "My order has not arrived yet.",
  "Yes, that is correct.",
  "No, that is all, thanks.",
  "Can you send me a new invoice?",
  "This is the third time I am calling about this.",
] as const;

/** Rounds to `digits` decimals so values survive JSON round trips exactly. */
export function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/**
 * Segments alternate between agent and customer. Phone segments carry word offsets inside an even time slot per turn
 * (vendor-apis §1.8); chat segments carry a message time instead and no words.
 */
export function generateCcaiTranscript(
  random: SeededRandom,
  conversation: CcaiConversation,
  lines: CcaiTranscriptLines = { agent: agentLines, customer: customerLines },
): CcaiTranscriptSegment[] {
  const phone = conversation.medium !== "CHAT";
  const agentRole: CcaiRole = conversation.qualityMetadata.agentInfo[0]?.agentType ?? "HUMAN_AGENT";
  const agentFirst = phone || random.chance(0.3);
  const slotMs = conversation.turnCount === 0 ? 0 : Math.floor(conversation.durationMs / conversation.turnCount);
  const startMicros = conversation.startTimeMicros || conversation.createTimeMicros - conversation.durationMs * 1000;
  const segments: CcaiTranscriptSegment[] = [];
  for (let turn = 0; turn < conversation.turnCount; turn += 1) {
    const isAgent = turn % 2 === (agentFirst ? 0 : 1);
    const role: CcaiRole = isAgent ? agentRole : "END_USER";
    const text = random.pick(isAgent ? lines.agent : lines.customer);
    const slotStart = turn * slotMs;
    const words: CcaiWord[] = [];
    if (phone) {
      const parts = text.split(" ");
      const wordMs = Math.max(1, Math.min(Math.floor((slotMs * 0.9) / parts.length), random.int(250, 550)));
      parts.forEach((word, position) => {
        words.push({
          startOffsetMs: slotStart + position * wordMs,
          endOffsetMs: slotStart + (position + 1) * wordMs - 1,
          word,
          confidence: random.chance(0.2) ? 0 : round(random.next() * 0.3 + 0.7, 2),
        });
      });
    }
    const channels = conversation.callMetadata ?? conversation.chatChannels;
    segments.push({
      text,
      confidence: phone ? round(random.next() * 0.29 + 0.7, 2) : 0,
      words,
      languageCode: conversation.languageCode,
      channelTag: channels ? (isAgent ? channels.agentChannel : channels.customerChannel) : 0,
      role,
      messageTimeMicros: phone ? 0 : startMicros + slotStart * 1000,
      sentiment: random.chance(0.9)
        ? { magnitude: round(random.next() * 2, 1), score: round(random.next() * 2 - 1, 1) }
        : undefined,
      smartReplyAllowlistCovered: !phone && isAgent && random.chance(0.3),
    });
  }
  return segments;
}
