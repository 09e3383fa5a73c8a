import { type FileElement, type FilePiece, mapRecordText, type RecordContext, type SourceMessage } from "@parley/core";
import { conversationMapper } from "./ultimate-records.ts";

export const streamName = "conversations";

const brokenReason = "the file ended inside this element, or it is text outside any element";

/**
 * What the splitter handed out, as a message: an element as a record (mapped here) or a reject saying why; when
 * the runner asked for raw records, a run of whole elements as raw bytes (mapped by the sink's bulk path) or a
 * broken element as a reject. An element is never dropped.
 */
export function elementMessage(element: FileElement | FilePiece, context: RecordContext): SourceMessage {
  if ("kind" in element) {
    if (element.kind === "records") return { kind: "raw", stream: streamName, records: element.records, context };
    return { kind: "reject", stream: streamName, raw: element.text, reason: `${context.where}: ${brokenReason}` };
  }
  if (!element.complete)
    return { kind: "reject", stream: streamName, raw: element.text, reason: `${context.where}: ${brokenReason}` };
  const mapped = mapRecordText(conversationMapper, element.text, context);
  if (!mapped.ok) return { kind: "reject", stream: streamName, raw: mapped.raw, reason: mapped.reason };
  return { kind: "record", stream: streamName, record: mapped.row };
}
