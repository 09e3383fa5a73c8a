import type { SourceMessage } from "@parley/core";
import type { FileElement } from "./ultimate-json-splitter.ts";
import { mapConversation, type RecordOrigin } from "./ultimate-records.ts";

export const streamName = "conversations";

/** One element of an export file as a record, or as a reject saying why: an element is never dropped. */
export function elementMessage(element: FileElement, origin: RecordOrigin, where: string): SourceMessage {
  if (!element.complete) {
    return {
      kind: "reject",
      stream: streamName,
      raw: element.text,
      reason: `${where}: the file ended inside this element, or it is text outside any element`,
    };
  }
  let value: unknown;
  try {
    value = JSON.parse(element.text);
  } catch (error) {
    return {
      kind: "reject",
      stream: streamName,
      raw: element.text,
      reason: `${where}: not valid JSON (${(error as Error).message})`,
    };
  }
  const mapped = mapConversation(value, origin);
  if (!mapped.ok) return { kind: "reject", stream: streamName, raw: value, reason: `${where}: ${mapped.reason}` };
  const row = mapped.row;
  // Local files need not say their day: a day's file holds the conversations that ended that UTC day (seed 003 FAQ).
  if (row.export_date === null && typeof row.conversation_end_time === "string")
    row.export_date = row.conversation_end_time.slice(0, 10);
  return { kind: "record", stream: streamName, record: row };
}
