/// <reference path="./pg-copy-streams.d.ts" />
import { createReadStream } from "node:fs";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ColumnDefinition, LogicalType, ValidatedRow } from "@parley/core";
import type { PoolClient } from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { quoteIdentifier } from "./postgres-types.ts";

const special = /[\\\t\n\r\0]/;
const specials = /[\\\t\n\r\0]/g;
// PostgreSQL cannot store NUL in text or jsonb; failing the whole batch for it would be worse than a visible U+FFFD.
const replacements: Record<string, string> = { "\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r", "\0": "\uFFFD" };

/** Escapes one value for COPY's TEXT format, where `\N` alone means NULL and tab/newline separate fields/rows. */
export function escapeText(text: string): string {
  return special.test(text) ? text.replace(specials, (character) => replacements[character] as string) : text;
}

function stringify(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch {
    // Only bigint cannot be stringified; its decimal digits are valid JSON numbers.
    const marked = JSON.stringify(value, (_key, item: unknown) =>
      typeof item === "bigint" ? `\u0000bigint:${item}` : item,
    );
    return marked.replace(/"\\u0000bigint:(-?\d+)"/g, "$1");
  }
}

// jsonb refuses the escape \u0000 itself; an odd run of backslashes means the last one starts that escape.
function withoutNulEscapes(json: string): string {
  if (!json.includes("u0000")) return json;
  return json.replace(/(\\+)u0000/g, (match, slashes: string) =>
    slashes.length % 2 === 1 ? `${slashes}ufffd` : match,
  );
}

/** A value as JSON text that jsonb accepts. */
export function jsonText(value: unknown): string {
  return withoutNulEscapes(stringify(value));
}

function scalarText(value: unknown): string {
  switch (typeof value) {
    case "string":
      return escapeText(value);
    case "number":
    case "bigint":
      return String(value);
    case "boolean":
      return value ? "t" : "f";
    default:
      return escapeText(jsonText(value));
  }
}

export type RowEncoder = (row: ValidatedRow) => string;
type FieldEncoder = (value: unknown) => string;

// JSON.stringify escapes every control character itself, so in its output only backslashes need doubling.
const jsonField: FieldEncoder = (value) => {
  const json = stringify(value);
  return json.includes("\\") ? withoutNulEscapes(json).replaceAll("\\", "\\\\") : json;
};
const textField: FieldEncoder = (value) => (typeof value === "string" ? escapeText(value) : scalarText(value));
const numberField: FieldEncoder = (value) => (typeof value === "number" ? String(value) : scalarText(value));

// The validator hands each logical type its own JavaScript type; anything else still goes through scalarText.
const fieldEncoders: Record<LogicalType, FieldEncoder> = {
  string: textField,
  integer: numberField,
  float: numberField,
  boolean: scalarText,
  timestamp: textField,
  date: textField,
  json: jsonField,
};

/**
 * Builds the TEXT-format line writer for a column list. `trailing` values (a batch's lineage) are the
 * same on every line, so they are escaped once.
 */
export function createRowEncoder(columns: readonly ColumnDefinition[], trailing: readonly string[] = []): RowEncoder {
  const names = columns.map((column) => column.name);
  const fields = columns.map((column) => fieldEncoders[column.type]);
  const suffix = `${trailing.map((value) => `\t${escapeText(value)}`).join("")}\n`;
  return (row) => {
    let line = "";
    for (let index = 0; index < names.length; index++) {
      const value = row[names[index] as string];
      if (index > 0) line += "\t";
      line += value === null || value === undefined ? "\\N" : (fields[index] as FieldEncoder)(value);
    }
    return line + suffix;
  };
}

const chunkCharacters = 1 << 20;

/**
 * A batch as COPY text, encoded while it is sent and kept, so a second COPY of the same batch (merge
 * falling back to staging) costs no second encoding.
 */
export class CopyText implements Iterable<string> {
  readonly #rows: readonly ValidatedRow[];
  readonly #encode: RowEncoder;
  readonly #chunks: string[] = [];
  #encodedRows = 0;

  constructor(rows: readonly ValidatedRow[], encode: RowEncoder) {
    this.#rows = rows;
    this.#encode = encode;
  }

  #encodeChunk(): string {
    let chunk = "";
    while (this.#encodedRows < this.#rows.length && chunk.length < chunkCharacters) {
      chunk += this.#encode(this.#rows[this.#encodedRows] as ValidatedRow);
      this.#encodedRows += 1;
    }
    this.#chunks.push(chunk);
    return chunk;
  }

  *[Symbol.iterator](): Iterator<string> {
    for (let index = 0; index < this.#chunks.length; index++) yield this.#chunks[index] as string;
    while (this.#encodedRows < this.#rows.length) yield this.#encodeChunk();
  }
}

/** Streams rows into `table` with `COPY ... FROM STDIN` (TEXT format, or BINARY); returns the number of rows copied. */
export async function copyRows(
  client: PoolClient,
  table: string,
  columnNames: readonly string[],
  text: Iterable<string | Buffer>,
  format: "text" | "binary" = "text",
): Promise<number> {
  const options = format === "binary" ? " WITH (FORMAT binary)" : "";
  const copy = client.query(
    copyFrom(`COPY ${table} (${columnNames.map(quoteIdentifier).join(", ")}) FROM STDIN${options}`),
  );
  await pipeline(Readable.from(text, { objectMode: false }), copy);
  return copy.rowCount;
}

/**
 * Streams a newline-delimited JSON file into a one-column jsonb table, one document per line. CSV with quote and
 * delimiter characters that JSON text never holds unescaped passes every line through untouched.
 */
export async function copyLines(client: PoolClient, table: string, path: string): Promise<void> {
  const copy = client.query(
    copyFrom(`COPY ${table} (document) FROM STDIN WITH (FORMAT csv, QUOTE E'\\x01', DELIMITER E'\\x02')`),
  );
  await pipeline(createReadStream(path), copy);
}
