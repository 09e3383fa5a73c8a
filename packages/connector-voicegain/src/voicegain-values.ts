import { toNumericId } from "@parley/core";

export type CallRow = Record<string, unknown>;

export type MappedCall =
  | { readonly ok: true; readonly callId: number; readonly row: CallRow }
  | { readonly ok: false; readonly callId: number | undefined; readonly reason: string };

/**
 * callId is a string in JSON and an integer in CSV and `afterCallId` (vendor-apis §2.8 #1); rows keep one type,
 * an integer, because the export cursor compares callIds numerically.
 */
export function callIdFrom(value: unknown): number | undefined {
  const id = toNumericId(value);
  return typeof id === "number" ? id : undefined;
}
