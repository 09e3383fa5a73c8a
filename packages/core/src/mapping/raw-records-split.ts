import type { RawRecords } from "./record-mapping.ts";

/**
 * Cuts raw records in two after the first `count`, without copying or reading them: both halves are views of the same
 * bytes, cut where the record offsets say (what lies between two records, a line break or a comma, is dropped).
 * Undefined when the records carry no offsets or `count` leaves one half empty.
 */
export function splitRawRecords(records: RawRecords, count: number): [RawRecords, RawRecords] | undefined {
  const spans = records.spans;
  if (spans === undefined || count <= 0 || count >= records.count) return undefined;
  const firstEnd = spans[count * 2 - 1] as number;
  const secondStart = spans[count * 2] as number;
  const second = spans.slice(count * 2);
  for (let index = 0; index < second.length; index += 1) second[index] = (second[index] as number) - secondStart;
  return [
    {
      layout: records.layout,
      bytes: records.bytes.subarray(0, firstEnd),
      count,
      spans: spans.subarray(0, count * 2),
    },
    {
      layout: records.layout,
      bytes: records.bytes.subarray(secondStart),
      count: records.count - count,
      spans: second,
    },
  ];
}
