import { type ColumnDefinition, type FieldMapping, jsonBytes, maxJsonDepth, type RecordMapping } from "@parley/core";
import { RecordCursor } from "./duckdb-usual-cursor.ts";
import { KnownKeys, memberTable, type Nested } from "./duckdb-usual-keys.ts";
import { kinds, unusual } from "./duckdb-usual-values.ts";

const { quote, comma, colon, openBrace, closeBrace } = jsonBytes;

/** Tells the records DuckDB's reader may store from the rest; `key` reads the last usual record's primary key. */
export interface UsualFormScanner {
  usual(bytes: Buffer, start: number, end: number): boolean;
  /** The primary key (column -> value as the JavaScript mapper gives it) of the record `usual` last accepted. */
  key(context: Readonly<Record<string, string | null>>): Record<string, unknown>;
}

/**
 * Whether DuckDB's typed JSON reader, with the SQL `duckdb-mapping-sql.ts` generates from the same mapping, stores
 * exactly the row the JavaScript mapper and validator would store for a record: true for the forms vendors send
 * nearly always (known keys spelled exactly, each once; strings, booleans, objects and lists where the readings
 * expect them; counts and timestamps in their usual spelling; no escape JavaScript repairs; nesting well within
 * the validator's limit). Every other record goes through the JavaScript mapper, which knows every case and writes
 * every reject reason. It reads the record's bytes, never decoding or parsing it in JavaScript (on the bulk path
 * that cost more than DuckDB's own reading), and does not validate JSON syntax inside nested values nor UTF-8:
 * DuckDB's reader does, and a record it refuses sends the batch the sure way. Only a merge asks for keys.
 */
export function createUsualFormScanner(
  mapping: RecordMapping,
  columns: readonly ColumnDefinition[],
  primaryKey: readonly string[],
): UsualFormScanner {
  // Fields inside an object the record holds (`agent.agentId`) are looked up in that object's own table.
  const topFields = mapping.fields.filter((field) => field.within === undefined);
  const containers = new Map<string, FieldMapping[]>();
  for (const field of mapping.fields)
    if (field.within !== undefined) containers.set(field.within, [...(containers.get(field.within) ?? []), field]);
  const names = [...new Set(topFields.flatMap((field) => field.from)), ...containers.keys()];
  const knownKeys = new KnownKeys(names);
  const shapeOf = new Map(columns.map((column) => [column.name, column.shape]));
  const fields = topFields.map((field) => ({
    names: field.from.map((name) => names.indexOf(name)),
    required: primaryKey.includes(field.column),
  }));
  const fieldOf = names.map((_, index) => fields.findIndex((field) => field.names.includes(index)));
  const readingOf = names.map((_, index) => topFields[fieldOf[index] as number]?.reading as FieldMapping["reading"]);
  const shapeOfName = names.map((_, index) => {
    const field = topFields[fieldOf[index] as number];
    return field?.reading === "text list" ? "list of strings" : shapeOf.get(field?.column as string);
  });
  const nestedOf = names.map((name, index): Nested | undefined => {
    const inside = containers.get(name);
    if (inside !== undefined)
      return {
        kind: "object",
        members: memberTable(inside.map((field) => ({ key: field.from[0] as string, reading: field.reading }))),
      };
    const field = topFields[fieldOf[index] as number];
    if (field?.reading === "object list") return { kind: "objects", members: memberTable(field.itemKeys ?? []) };
    if (field?.reading === "numeric id list") return { kind: "ids" };
    return undefined;
  });
  // A field sent under one name that is not part of the key cannot make a record unusual once its value is usual.
  const checkedFields = fields.filter((field) => field.required || field.names.length > 1);
  // Per key column, the names its field is sent under (none: a context column).
  const keyNames = primaryKey.map(
    (column) => fields[topFields.findIndex((field) => field.column === column)]?.names ?? [],
  );
  // Per name, for the record being scanned: the kind sent (-1: not sent), where its value lies, whether escaped.
  const sent = new Int32Array(names.length);
  const valueStart = new Int32Array(names.length);
  const valueEnd = new Int32Array(names.length);
  const escaped = new Uint8Array(names.length);
  const depthLimit = maxJsonDepth - 10;

  // Records of a buffer are scanned in order, so where the next backslash lies carries over.
  const cursor = new RecordCursor();
  let scanned: Buffer = Buffer.alloc(0);
  const usual = (bytes: Buffer, start: number, end: number): boolean => {
    sent.fill(-1);
    if (cursor.bytes !== bytes) cursor.use(bytes);
    scanned = bytes;
    cursor.limit = end;
    let at = cursor.space(start);
    if (bytes[at] !== openBrace) return false;
    at = cursor.space(at + 1);
    if (bytes[at] === closeBrace) at = cursor.space(at + 1);
    else
      for (let index = -1; ; ) {
        if (bytes[at] !== quote) return false;
        index = knownKeys.find(cursor, at, index);
        if (index === -1 || sent[index] !== -1) return false;
        at = cursor.space(cursor.end);
        if (bytes[at] !== colon) return false;
        at = cursor.space(at + 1);
        const nested = nestedOf[index];
        const kind =
          nested === undefined ? cursor.value(at, shapeOfName[index], depthLimit) : cursor.nested(at, nested);
        if (kind === unusual) return false;
        if (nested === undefined && !cursor.usual(kind, readingOf[index] as FieldMapping["reading"], at)) return false;
        sent[index] = kind;
        valueStart[index] = at;
        valueEnd[index] = cursor.end;
        escaped[index] = kind === kinds.string && cursor.escaped ? 1 : 0;
        at = cursor.space(cursor.end);
        if (bytes[at] === comma) {
          at = cursor.space(at + 1);
          continue;
        }
        if (bytes[at] !== closeBrace) return false;
        at = cursor.space(at + 1);
        break;
      }
    if (at !== end) return false;
    for (const field of checkedFields) {
      let count = 0;
      let present = -1;
      for (const index of field.names)
        if (sent[index] !== -1) {
          count += 1;
          present = index;
        }
      if (count > 1) return false;
      const kind = present === -1 ? -1 : (sent[present] as number);
      if (kind === kinds.null && field.names.length > 1) return false;
      if (field.required && (kind === -1 || kind === kinds.null || kind === kinds.emptyString)) return false;
    }
    return true;
  };
  const key = (context: Readonly<Record<string, string | null>>): Record<string, unknown> => {
    const key: Record<string, unknown> = {};
    for (let position = 0; position < primaryKey.length; position++) {
      const column = primaryKey[position] as string;
      let present = -1;
      for (const index of keyNames[position] as number[])
        if (sent[index] !== -1) {
          present = index;
          break;
        }
      key[column] =
        present === -1
          ? (context[column] ?? null)
          : keyValue(
              scanned,
              sent[present] as number,
              valueStart[present] as number,
              valueEnd[present] as number,
              escaped[present] === 1,
              readingOf[present] as FieldMapping["reading"],
            );
    }
    return key;
  };
  return { usual, key };
}

/**
 * A usual key value as the JavaScript mapper gives it (a count as a number, a boolean as one): ids and strings
 * without escapes read from the bytes, anything else parsed. Never null or empty here: such a record is unusual.
 */
function keyValue(
  bytes: Buffer,
  kind: number,
  start: number,
  end: number,
  escaped: boolean,
  reading: FieldMapping["reading"],
): unknown {
  if (reading === "numeric id") {
    // A usual id is at most 15 digits, bare or quoted.
    const quoted = bytes[start] === quote ? 1 : 0;
    let number = 0;
    for (let at = start + quoted; at < end - quoted; at++) number = number * 10 + ((bytes[at] as number) - 48);
    return number;
  }
  let value: unknown;
  if (kind === kinds.string && !escaped) value = bytes.toString("utf8", start + 1, end - 1);
  else {
    const text = bytes.toString("utf8", start, end);
    value = kind === kinds.literal ? text : JSON.parse(text);
  }
  switch (reading) {
    case "count":
    case "whole number":
    case "number":
      return Number(value);
    case "boolean":
    case "true or false":
      return value === "true" || value === true;
    default:
      return value;
  }
}
