import type { SeededRandom } from "../server/seeded-random.ts";

/** FNV-1a: a stable 32-bit number for a string (bot ids, intent names). */
export function hashText(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** Mixes numbers into one seed (murmur3 finaliser per step) so every (bot, day, record) gets its own stream. */
export function mixSeed(...parts: readonly number[]): number {
  let hash = 0x9e3779b9;
  for (const part of parts) {
    hash = Math.imul(hash ^ (part >>> 0), 0x85ebca6b);
    hash ^= hash >>> 13;
    hash = Math.imul(hash, 0xc2b2ae35);
    hash ^= hash >>> 16;
  }
  return hash >>> 0;
}

const byteHex = Array.from({ length: 256 }, (_, value) => value.toString(16).padStart(2, "0"));

/** Lowercase hex, 8 characters per draw from a byte table: ids were the largest cost of generating a day. */
export function hexId(random: SeededRandom, length: number): string {
  let text = "";
  while (text.length < length) {
    const value = Math.floor(random.next() * 0x100000000);
    text += `${byteHex[value >>> 24]}${byteHex[(value >>> 16) & 255]}${byteHex[(value >>> 8) & 255]}${byteHex[value & 255]}`;
  }
  return text.length === length ? text : text.slice(0, length);
}

/** A 24-hex id that is the same for the same inputs, e.g. an intent id per (bot, intent name). */
export function stableHexId(...parts: readonly number[]): string {
  let text = "";
  for (let round = 0; round < 3; round++)
    text += mixSeed(...parts, round)
      .toString(16)
      .padStart(8, "0");
  return text;
}

export function uuid(random: SeededRandom): string {
  const hex = hexId(random, 32);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
