import { createRecordMapper, type RecordContext } from "@parley/core";
import { jsonCallMapping } from "./voicegain-mapping.ts";
import { callsStream } from "./voicegain-streams.ts";
import { callIdFrom, type MappedCall } from "./voicegain-values.ts";

const mapCall = createRecordMapper(
  jsonCallMapping,
  callsStream.columns.map((column) => column.name),
  callsStream.primaryKey,
);
/**
 * The context of every raw call: calls name no place in their reasons, so a reject reads the same on the row path
 * and the bulk path; one object for the whole read, so consecutive pages' raw calls load together.
 */
export const callContext: RecordContext = { values: {}, where: "" };

/** Maps one element of a `format=json` page to a row (the stream's declared mapping), or says which field failed. */
export function mapJsonCall(value: unknown): MappedCall {
  const callId = callIdFrom((value as { callId?: unknown } | null)?.callId);
  const mapped = mapCall(value, callContext);
  return mapped.ok
    ? { ok: true, callId: callId as number, row: mapped.row }
    : { ok: false, callId, reason: mapped.reason };
}
