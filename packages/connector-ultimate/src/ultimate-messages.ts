import { mapRecordText, type RecordContext, type SourceMessage } from "@parley/core";
import type { FileElement } from "./ultimate-json-splitter.ts";
import { conversationMapper } from "./ultimate-records.ts";

export const streamName = "conversations";

/**
 * One element of an export file as a record (mapped here), as a raw record (mapped by the sink's bulk path,
 * when the runner asks for raw records), or as a reject saying why: an element is never dropped.
 */
export function elementMessage(element: FileElement, context: RecordContext, raw: boolean): SourceMessage {
  if (!element.complete) {
    return {
      kind: "reject",
      stream: streamName,
      raw: element.text,
      reason: `${context.where}: the file ended inside this element, or it is text outside any element`,
    };
  }
  if (raw) return { kind: "raw", stream: streamName, text: element.text, context };
  const mapped = mapRecordText(conversationMapper, element.text, context);
  if (!mapped.ok) return { kind: "reject", stream: streamName, raw: mapped.raw, reason: mapped.reason };
  return { kind: "record", stream: streamName, record: mapped.row };
}
