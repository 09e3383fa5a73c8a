/**
 * The shape a `json` column promises its readers. Views take list elements and object members out of
 * nested columns; a scalar where a list belongs makes every such query fail on PostgreSQL ("cannot
 * extract elements from a scalar"), so a record that breaks its column's shape is a reject.
 * - `object`: a JSON object
 * - `list`: a list of anything
 * - `list of objects`: a list whose every item is an object
 * - `list of strings`: a list whose every item is a string
 */
export const jsonShapes = ["object", "list", "list of objects", "list of strings"] as const;

export type JsonShape = (typeof jsonShapes)[number];

/**
 * Nesting deeper than this is refused. Vendor records nest a handful of levels; thousands of levels overflow
 * the stack of every serialiser on the way to the warehouse (and PostgreSQL's own parser).
 */
export const maxJsonDepth = 100;

/** Why a value cannot be stored, or the value to store (the same object when nothing needed repair). */
export type JsonCheck = { readonly value: unknown } | string;

const replacement = "\uFFFD";

/**
 * Text every warehouse stores alike: a lone UTF-16 surrogate (half an emoji, which `JSON.parse` accepts) or a NUL
 * makes DuckDB's and PostgreSQL's JSON readers fail the whole batch, and PostgreSQL cannot store NUL in text at all;
 * both become U+FFFD, the Unicode replacement character, before any sink sees them.
 */
// Matches every string that might need repair (and valid surrogate pairs too, checked exactly after): one native scan.
const suspicious = /[\0\uD800-\uDFFF]/;

export function isStorableText(text: string): boolean {
  return !suspicious.test(text) || (text.isWellFormed() && !text.includes("\0"));
}

export function repairText(text: string): string {
  return isStorableText(text) ? text : text.toWellFormed().replaceAll("\0", replacement);
}

const tooDeep: unique symbol = Symbol("too deep");

// Runs for every nested value of every record: no allocation unless something needs repair.
function repairValue(value: unknown, depth: number): unknown {
  if (typeof value === "string") return repairText(value);
  if (typeof value !== "object" || value === null) return value;
  if (depth >= maxJsonDepth) return tooDeep;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let index = 0; index < value.length; index++) {
      const item: unknown = value[index];
      const repaired = typeof item === "object" || typeof item === "string" ? repairValue(item, depth + 1) : item;
      if (repaired === tooDeep) return tooDeep;
      if (repaired !== item) {
        copy ??= value.slice();
        copy[index] = repaired;
      }
    }
    return copy ?? value;
  }
  const record = value as Record<string, unknown>;
  let changed = false;
  for (const key in record) {
    const item = record[key];
    const repaired = typeof item === "object" || typeof item === "string" ? repairValue(item, depth + 1) : item;
    if (repaired === tooDeep) return tooDeep;
    if (repaired !== item || !isStorableText(key)) changed = true;
  }
  if (!changed) return value;
  const copy: Record<string, unknown> = {};
  for (const key in record) copy[repairText(key)] = repairValue(record[key], depth + 1);
  return copy;
}

export function describeValue(value: unknown): string {
  if (typeof value === "string")
    return `string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value)}`;
  if (Array.isArray(value)) return "a list";
  if (value instanceof Date) return "a Date";
  if (value === null) return "null";
  if (typeof value === "object") return "an object";
  return `${typeof value} ${String(value)}`;
}

const isObject = (value: unknown): boolean => typeof value === "object" && value !== null && !Array.isArray(value);

function shapeProblem(value: unknown, shape: JsonShape): string | undefined {
  if (shape === "object") return isObject(value) ? undefined : `expected an object, got ${describeValue(value)}`;
  if (!Array.isArray(value))
    return `expected ${shape === "list" ? "a list" : `a ${shape}`}, got ${describeValue(value)}`;
  if (shape === "list") return undefined;
  const fits = shape === "list of objects" ? isObject : (item: unknown) => typeof item === "string";
  const index = value.findIndex((item) => !fits(item));
  return index === -1 ? undefined : `expected a ${shape}, item ${index} is ${describeValue(value[index])}`;
}

/**
 * Checks one `json` column value: its shape (when declared), nesting at most `maxJsonDepth` levels, and text
 * repaired as `repairText` says, in object keys and string values alike.
 */
export function checkJsonValue(value: unknown, shape: JsonShape | undefined): JsonCheck {
  if (shape !== undefined) {
    const problem = shapeProblem(value, shape);
    if (problem !== undefined) return problem;
  }
  const repaired = repairValue(value, 0);
  if (repaired === tooDeep) return `nested deeper than ${maxJsonDepth} levels`;
  return { value: repaired };
}
