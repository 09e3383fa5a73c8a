import { createRecordMapper, type RecordContext } from "@parley/core";
import { conversationColumns, conversationMapping, conversationsStream } from "./ultimate-streams.ts";

export interface RecordOrigin {
  /** The bot whose export held the record; fills a missing bot_id. */
  readonly botId: string | undefined;
  readonly exportDate: string | null;
  readonly exportVersion: string | null;
}

export type MappedConversation =
  | { readonly ok: true; readonly row: Record<string, unknown> }
  | { readonly ok: false; readonly reason: string };

/** The conversation mapping's JavaScript executor (`conversationMapping` is the one definition). */
export const conversationMapper = createRecordMapper(
  conversationMapping,
  conversationColumns.map((column) => column.name),
  conversationsStream.primaryKey,
);

/** Where a file's records came from, as the mapping's context: the bot, the export day and the API generation. */
export function recordContext(origin: RecordOrigin, where: string): RecordContext {
  return {
    values: { bot_id: origin.botId ?? null, export_date: origin.exportDate, export_version: origin.exportVersion },
    where,
  };
}

/** One exported conversation (a parsed JSON element) as a row of `ultimate_conversations`, or why it cannot be one. */
export function mapConversation(raw: unknown, origin: RecordOrigin): MappedConversation {
  return conversationMapper(raw, recordContext(origin, ""));
}
