import { randomBytes } from "node:crypto";

/** A load id that sorts by start time and is unique across machines: `20261121T124355Z-3f9a1c`. */
export function newLoadId(startedAt: Date): string {
  const stamp = startedAt
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z");
  return `${stamp}-${randomBytes(3).toString("hex")}`;
}
