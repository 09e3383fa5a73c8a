import { once } from "node:events";
import { createWriteStream } from "node:fs";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import {
  createRecordMapper,
  createRecordValidator,
  mapRecordText,
  maxJsonDepth,
  type RawRecordPart,
  type RecordMapping,
  type RejectedRecord,
  rejectPayload,
  type StreamDefinition,
  type ValidatedRow,
} from "@parley/core";
import { positionColumn } from "@parley/core/warehouse";
import { fastColumn, mappingSelectSql } from "./duckdb-mapping-sql.ts";
import { duckdbColumnTypes, quoteIdentifier, quoteLiteral } from "./duckdb-types.ts";

/** Raw records of one batch mapped into a temporary table: rows with their batch position, and the rejects. */
export interface MappedRawRecords {
  /** A temporary table with `_parley_position` and the stream's columns. */
  readonly table: string;
  readonly rows: number;
  readonly rejects: readonly RejectedRecord[];
  drop(): Promise<void>;
}

const maximumObjectSize = 67_108_864;
let tableCounter = 0;

/** Escaped NULs and UTF-16 surrogates: text the JavaScript side repairs (DuckDB's reader refuses a lone surrogate). */
const repairedEscape = /\\u(0000|[dD][89a-fA-F])/;

/**
 * True for a record SQL must not read: nested deeper than `maxJsonDepth` (it has at least as many brackets) or
 * holding escapes the JavaScript side repairs. Scanning here keeps that work off DuckDB's one loading thread.
 */
function needsJavaScript(text: string): boolean {
  if (text.includes("\\u") && repairedEscape.test(text)) return true;
  let brackets = 0;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if ((code === 123 || code === 91) && ++brackets > maxJsonDepth) return true;
  }
  return false;
}

/**
 * Writes the batch's raw records for DuckDB's reader, one file per part: `{"position":N,"record":<text>}` lines
 * (`"record":null` for one `needsJavaScript` says SQL must not read).
 * Line breaks between tokens are blanks (JSON strings cannot hold a raw line break), so a pretty-printed element
 * stays one line. Written before the connection is taken, so it overlaps DuckDB loading the previous batch.
 */
export async function writeRawParts(
  directory: string,
  name: string,
  parts: readonly RawRecordPart[],
): Promise<string[]> {
  const paths: string[] = [];
  let position = 0;
  for (const [index, part] of parts.entries()) {
    const path = join(directory, `${name}-${index}.ndjson`);
    const out = createWriteStream(path, { mode: 0o600, highWaterMark: 1 << 20 });
    let chunk = "";
    for (const text of part.texts) {
      const line = text.includes("\n") || text.includes("\r") ? text.replace(/[\r\n]/g, " ") : text;
      chunk += `{"position":${position},"record":${needsJavaScript(text) ? "null" : line}}\n`;
      position += 1;
      if (chunk.length > 1 << 20) {
        if (!out.write(chunk)) await once(out, "drain");
        chunk = "";
      }
    }
    out.end(chunk);
    await once(out, "finish");
    paths.push(path);
  }
  return paths;
}

/**
 * Maps a batch's raw records with the stream's mapping: SQL generated from it (`duckdb-mapping-sql.ts`) for the
 * records in the usual forms, the JavaScript mapper and validator for every other record (and for a whole part
 * DuckDB cannot read, such as one holding malformed JSON). Runs on the sink's connection, outside a transaction.
 */
export async function mapRawRecords(
  connection: DuckDBConnection,
  stream: StreamDefinition & { readonly mapping: RecordMapping },
  parts: readonly RawRecordPart[],
  paths: readonly string[],
  directory: string,
): Promise<MappedRawRecords> {
  const table = quoteIdentifier(`_parley_raw_${process.pid}_${++tableCounter}`);
  const columns = stream.columns;
  const required = stream.primaryKey ?? [];
  const names = columns.map((column) => quoteIdentifier(column.name)).join(", ");
  const typed = columns.map((column) => `${quoteIdentifier(column.name)} ${duckdbColumnTypes[column.type]}`);
  await connection.run(
    `CREATE TEMP TABLE ${table} (${positionColumn} BIGINT, ${fastColumn} BOOLEAN, ${typed.join(", ")})`,
  );
  const drop = async () => {
    await connection.run(`DROP TABLE IF EXISTS ${table}`);
  };
  try {
    const slow: number[] = [];
    let first = 0;
    for (const [index, part] of parts.entries()) {
      const relation = `(SELECT position AS ${positionColumn}, record FROM read_json(${quoteLiteral(paths[index] as string)}, format = 'newline_delimited', columns = {position: 'BIGINT', record: 'VARCHAR'}, maximum_object_size = ${maximumObjectSize}))`;
      const select = mappingSelectSql(stream.mapping, columns, required, part.context, relation);
      try {
        await connection.run(`INSERT INTO ${table} SELECT ${positionColumn}, ${fastColumn}, ${names} FROM (${select})`);
      } catch {
        // DuckDB's reader refused the part (malformed JSON, half a surrogate pair): JavaScript reads every record of it.
        await connection.run(
          `DELETE FROM ${table} WHERE ${positionColumn} BETWEEN ${first} AND ${first + part.texts.length - 1}`,
        );
        for (let offset = 0; offset < part.texts.length; offset++) slow.push(first + offset);
      }
      first += part.texts.length;
    }
    const left = await connection.runAndReadAll(`SELECT ${positionColumn} FROM ${table} WHERE NOT ${fastColumn}`);
    for (const [position] of left.getRows()) slow.push(Number(position));
    const { rows, rejects } = mapInJavaScript(
      stream,
      parts,
      slow.sort((a, b) => a - b),
    );
    await connection.run(`DELETE FROM ${table} WHERE NOT ${fastColumn}`);
    if (rows.length > 0) {
      const path = join(directory, `${table.replaceAll('"', "")}-mapped.ndjson`);
      const out = createWriteStream(path, { mode: 0o600 });
      out.end(
        rows
          .map((row) =>
            JSON.stringify(row, (_key, value: unknown) => (typeof value === "bigint" ? value.toString() : value)),
          )
          .join("\n"),
      );
      await once(out, "finish");
      const types = [
        `${quoteLiteral(positionColumn)}: 'BIGINT'`,
        ...columns.map((column) => `${quoteLiteral(column.name)}: ${quoteLiteral(duckdbColumnTypes[column.type])}`),
      ];
      try {
        await connection.run(
          `INSERT INTO ${table} SELECT ${positionColumn}, true, ${names} FROM read_json(${quoteLiteral(path)}, format = 'newline_delimited', columns = {${types.join(", ")}}, maximum_object_size = ${maximumObjectSize})`,
        );
      } finally {
        await rm(path, { force: true });
      }
    }
    const counted = await connection.runAndReadAll(`SELECT COUNT(*) FROM ${table}`);
    return { table, rows: Number(counted.getRows()[0]?.[0]), rejects, drop };
  } catch (error) {
    await drop().catch(() => undefined);
    throw error;
  }
}

function mapInJavaScript(
  stream: StreamDefinition & { readonly mapping: RecordMapping },
  parts: readonly RawRecordPart[],
  positions: readonly number[],
): { rows: ValidatedRow[]; rejects: RejectedRecord[] } {
  const rows: ValidatedRow[] = [];
  const rejects: RejectedRecord[] = [];
  if (positions.length === 0) return { rows, rejects };
  const mapper = createRecordMapper(
    stream.mapping,
    stream.columns.map((column) => column.name),
    stream.primaryKey ?? [],
  );
  const validate = createRecordValidator(stream);
  let partIndex = 0;
  let partStart = 0;
  for (const position of positions) {
    while (position >= partStart + (parts[partIndex] as RawRecordPart).texts.length) {
      partStart += (parts[partIndex] as RawRecordPart).texts.length;
      partIndex += 1;
    }
    const part = parts[partIndex] as RawRecordPart;
    const mapped = mapRecordText(mapper, part.texts[position - partStart] as string, part.context);
    if (!mapped.ok) {
      rejects.push({ stream: stream.name, payload: rejectPayload(mapped.raw), reason: mapped.reason });
      continue;
    }
    const validated = validate(mapped.row);
    if (validated.ok) rows.push({ [positionColumn]: position, ...validated.row });
    else rejects.push({ stream: stream.name, payload: rejectPayload(mapped.row), reason: validated.reason });
  }
  return { rows, rejects };
}
