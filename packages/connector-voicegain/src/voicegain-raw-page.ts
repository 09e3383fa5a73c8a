import { ElementSplitter, isJsonSpace as isSpace, jsonBytes, type RawRecords } from "@parley/core";
import { UnreadableBody } from "./voicegain-page.ts";
import { callIdFrom } from "./voicegain-values.ts";

/** The calls of a `format=json` page as the bytes they arrived in, with the highest callId among them. */
export interface RawCalls {
  readonly records: RawRecords;
  /** The highest readable callId of these calls, or undefined when none has one. */
  readonly highestCallId: number | undefined;
}

/**
 * A `format=json` page (a bare array of VoiceCall objects, vendor-apis §2.4) cut into its calls without parsing
 * them, for a sink that loads them with the warehouse's own reader. Each call's callId is read from its bytes, as
 * `JSON.parse` would read it, so the consecutive export's cursor moves exactly as on the row path.
 */
export async function readRawJsonBody(
  body: AsyncIterable<Buffer | readonly Buffer[]>,
): Promise<{ readonly entries: []; readonly raw: RawCalls[]; readonly calls: number; readonly bytes: number }> {
  // The calls are views of the chunks received (each read of the socket is a new buffer), copied only where a chunk
  // cuts one: no copy of the page into blocks of the splitter's own.
  const splitter = new ElementSplitter({ viewsOfChunks: true });
  const parts: RawCalls[] = [];
  let calls = 0;
  let bytes = 0;
  let first: number | undefined;
  const take = (pieces: ReturnType<ElementSplitter["pushRecords"]>) => {
    for (const piece of pieces) {
      if (piece.kind === "broken") throw new UnreadableBody("the body is not JSON (text outside the list's calls)");
      if (first !== openBracket) throw new UnreadableBody("the body is not a JSON list of calls");
      const { records } = piece;
      calls += records.count;
      parts.push({ records, highestCallId: highestCallId(records) });
    }
  };
  for await (const batch of body) {
    const chunks = Buffer.isBuffer(batch) ? [batch] : batch;
    for (const chunk of chunks) {
      bytes += chunk.length;
      first ??= chunk.find((byte) => !isSpace(byte));
    }
    take(splitter.pushRecords(chunks));
  }
  if (first !== openBracket) throw new UnreadableBody("the body is not a JSON list of calls");
  const cut = splitter.cutShort();
  if (cut !== undefined) throw new UnreadableBody(`the body is not JSON (${cut})`);
  take(splitter.finishRecords());
  return { entries: [], raw: parts, calls, bytes };
}

const { quote, backslash, comma, colon, openBrace, closeBrace, openBracket, closeBracket } = jsonBytes;
const callIdKey = Buffer.from('"callId"');
// Searched without its opening quote, JSON's commonest byte, which slows a native search down about twofold.
const callIdName = callIdKey.subarray(1);
const unicodeEscapeBytes = Buffer.from("\\u");

function highestCallId(records: RawRecords): number | undefined {
  const bytes = Buffer.from(records.bytes.buffer, records.bytes.byteOffset, records.bytes.byteLength);
  const spans = records.spans as Uint32Array;
  const escapedBefore = backslashes(bytes);
  // Where `"callId"` occurs next in the buffer, and a `\u` escape: each searched again only once passed.
  let next = -2;
  let unicodeEscape = -2;
  let highest: number | undefined;
  for (let index = 0; index < spans.length; index += 2) {
    const start = spans[index] as number;
    const end = spans[index + 1] as number;
    if (next !== -1 && next < start) next = callIdKeyFrom(bytes, start);
    let callId: number | undefined;
    // The usual call: it opens with its callId, and no other `"callId"` follows in it (none repeated, none nested).
    const first = next !== -1 && next < end && bytes[start] === openBrace ? next : -1;
    if (first !== -1 && onlySpaceBetween(bytes, start + 1, first)) {
      next = callIdKeyFrom(bytes, first + callIdKey.length);
      if (unicodeEscape !== -1 && unicodeEscape < first) unicodeEscape = bytes.indexOf(unicodeEscapeBytes, first);
      // Only a `\u` escape can spell a key's letters (`"call\u0049d"` is callId too, and the last one wins).
      if (unicodeEscape !== -1 && unicodeEscape < end) callId = callIdOf(bytes, start, end, escapedBefore);
      else if (next === -1 || next >= end) {
        const at = valueStart(bytes, colonAfter(bytes, first + callIdKey.length, end) + 1, end);
        callId = digitsCallId(bytes, at, end);
        if (callId === undefined) {
          const read = valueAt(bytes, at, end, escapedBefore);
          callId = read === escaped ? callIdOf(bytes, start, end, escapedBefore) : callIdFrom(read);
        }
      } else callId = callIdOf(bytes, start, end, escapedBefore);
    } else callId = callIdOf(bytes, start, end, escapedBefore);
    if (callId !== undefined && (highest === undefined || callId > highest)) highest = callId;
  }
  return highest;
}

/** Where the next `"callId"` starts at or after `from`, or -1. */
function callIdKeyFrom(bytes: Buffer, from: number): number {
  for (let at = bytes.indexOf(callIdName, from + 1); at !== -1; at = bytes.indexOf(callIdName, at + 1))
    if (bytes[at - 1] === quote) return at - 1;
  return -1;
}

function valueStart(bytes: Buffer, from: number, end: number): number {
  let at = from;
  while (at < end && isSpace(bytes[at] as number)) at++;
  return at;
}

/**
 * A callId in its usual form, text of 1 to 15 digits (`"10001"`), read from its bytes as `callIdFrom` reads the
 * text; undefined for any other form.
 */
function digitsCallId(bytes: Buffer, at: number, end: number): number | undefined {
  if (bytes[at] !== quote) return undefined;
  let value = 0;
  let index = at + 1;
  for (; index < end; index++) {
    const digit = (bytes[index] as number) - 48;
    if (digit < 0 || digit > 9) break;
    value = value * 10 + digit;
  }
  const digits = index - at - 1;
  return digits >= 1 && digits <= 15 && bytes[index] === quote ? value : undefined;
}

function onlySpaceBetween(bytes: Buffer, from: number, to: number): boolean {
  for (let at = from; at < to; at++) if (!isSpace(bytes[at] as number)) return false;
  return true;
}

/** The colon after a key ending at `from` (blanks allowed before it); `end - 1` when there is none. */
function colonAfter(bytes: Buffer, from: number, end: number): number {
  let at = from;
  while (at < end && isSpace(bytes[at] as number)) at++;
  return bytes[at] === colon ? at : end - 1;
}

/**
 * The callId of one call's bytes as `callIdFrom(JSON.parse(text).callId)` gives it: the last top-level `callId`
 * key wins. Keys or callId values with escapes are left to `JSON.parse`.
 */
export function callIdOf(
  bytes: Buffer,
  start: number,
  end: number,
  escapedBefore = backslashes(bytes),
): number | undefined {
  if (bytes[start] !== openBrace) return undefined;
  let depth = 0;
  let value: unknown;
  for (let at = start; at < end; ) {
    const byte = bytes[at] as number;
    if (byte === quote) {
      const close = stringEnd(bytes, at, end);
      if (close === -1) return undefined;
      if (depth === 1) {
        let next = close;
        while (next < end && isSpace(bytes[next] as number)) next++;
        if (bytes[next] === colon) {
          if (escapedBefore(at, close)) return parsedCallId(bytes, start, end);
          if (close - at === callIdKey.length && bytes.compare(callIdKey, 0, callIdKey.length, at, close) === 0) {
            const read = valueAt(bytes, next + 1, end, escapedBefore);
            if (read === escaped) return parsedCallId(bytes, start, end);
            value = read;
          }
        }
      }
      at = close;
      continue;
    }
    if (byte === openBrace || byte === openBracket) depth++;
    else if (byte === closeBrace || byte === closeBracket) depth--;
    at++;
  }
  return callIdFrom(value);
}

/**
 * Whether a backslash lies in `[from, close)`, for strings looked at in order through one buffer: the next
 * backslash is searched for again only once passed, so a buffer without any is searched once.
 */
function backslashes(bytes: Buffer): (from: number, close: number) => boolean {
  let slash = -2;
  return (from, close) => {
    if (slash !== -1 && slash < from) slash = bytes.indexOf(backslash, from);
    return slash !== -1 && slash < close;
  };
}

const escaped = Symbol("escaped");

/** A top-level value as far as a callId needs it: a string's text, a number, or anything else as null. */
function valueAt(
  bytes: Buffer,
  from: number,
  end: number,
  escapedBefore: (from: number, close: number) => boolean,
): unknown {
  let at = from;
  while (at < end && isSpace(bytes[at] as number)) at++;
  if (bytes[at] === quote) {
    const close = stringEnd(bytes, at, end);
    if (close === -1) return null;
    if (escapedBefore(at, close)) return escaped;
    // UTF-8, as JSON.parse reads it: a space outside ASCII must stay one for trimming.
    return bytes.toString("utf8", at + 1, close - 1);
  }
  let stop = at;
  while (stop < end && !isDelimiter(bytes[stop] as number)) stop++;
  const text = bytes.toString("latin1", at, stop);
  return /^-?\d/.test(text) ? Number(text) : null;
}

function parsedCallId(bytes: Buffer, start: number, end: number): number | undefined {
  try {
    return callIdFrom((JSON.parse(bytes.toString("utf8", start, end)) as { callId?: unknown }).callId);
  } catch {
    return undefined;
  }
}

/** Just past the closing quote of the string opening at `at`, or -1. */
function stringEnd(bytes: Buffer, at: number, end: number): number {
  let from = at + 1;
  for (;;) {
    const closing = bytes.indexOf(quote, from);
    if (closing === -1 || closing >= end) return -1;
    let slashes = 0;
    while (bytes[closing - 1 - slashes] === backslash) slashes++;
    if (slashes % 2 === 0) return closing + 1;
    from = closing + 1;
  }
}

function isDelimiter(byte: number): boolean {
  return isSpace(byte) || byte === comma || byte === closeBrace || byte === closeBracket;
}
