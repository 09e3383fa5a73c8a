import { open, rm } from "node:fs/promises";
import { join } from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import {
  type ColumnDefinition,
  createRecordMapper,
  createRecordValidator,
  mapRecordText,
  type RawRecordPart,
  type RawRecords,
  type RecordContext,
  type RecordMapping,
  type RejectedRecord,
  rawRecordTexts,
  rejectPayload,
  type StreamDefinition,
  type ValidatedRow,
} from "@parley/core";
import { positionColumn } from "@parley/core/warehouse";
import { fileColumn, mappingSelectSql, readerColumns } from "./duckdb-mapping-sql.ts";
import { duckdbColumnTypes, quoteIdentifier, quoteLiteral } from "./duckdb-types.ts";
import { createUsualFormScanner } from "./duckdb-usual-scan.ts";

type MappedStream = StreamDefinition & { readonly mapping: RecordMapping };

/**
 * A batch of raw records made ready for DuckDB: the records in the usual forms staged as the bytes they arrived
 * in, every other record mapped in JavaScript (a row with its place in the batch, or a reject).
 */
export interface PreparedRawBatch {
  readonly files: readonly StagedRawFile[];
  readonly contexts: readonly RecordContext[];
  /** Rows of records JavaScript mapped; `position` sorts them among the staged records' rowids. */
  readonly rows: readonly { readonly position: number; readonly row: ValidatedRow }[];
  readonly rejects: readonly RejectedRecord[];
  readonly parts: readonly RawRecordPart[];
  /** Every row's primary key (staged and mapped alike) when none repeats in the batch; undefined otherwise. */
  readonly uniqueKeys: readonly unknown[][] | undefined;
}

/** A file of staged records that share a context and a layout. */
export interface StagedRawFile {
  readonly path: string;
  readonly layout: RawRecords["layout"];
  readonly context: RecordContext;
}

/** Raw records of one batch mapped into temporary tables: a relation of rows with their batch position, and rejects. */
export interface MappedRawRecords {
  /** The stream's columns and `_parley_position` (the record's place in the batch). */
  readonly relation: string;
  readonly rejects: readonly RejectedRecord[];
  drop(): Promise<void>;
}

// Files of about this size let DuckDB read a batch on every core (it reads a JSON array file on one thread).
const fileBytes = 16 * 1024 * 1024;
const maximumObjectSize = 16_777_216;
const separators = { ndjson: Buffer.from("\n"), "json-array-items": Buffer.from(",") } as const;
// Records JavaScript maps sit between the staged records' rowids: after the ones read before them, in order.
const slotsBetweenRowids = 2 ** 20;
let tableCounter = 0;

/** Maps raw records in JavaScript (mapper, then validator), collecting the rejects. */
function javaScriptMapper(stream: MappedStream, rejects: RejectedRecord[]) {
  const mapper = createRecordMapper(
    stream.mapping,
    stream.columns.map((column) => column.name),
    stream.primaryKey ?? [],
  );
  const validate = createRecordValidator(stream);
  return (text: string, context: RecordContext): ValidatedRow | undefined => {
    const mapped = mapRecordText(mapper, text, context);
    if (!mapped.ok) {
      rejects.push({ stream: stream.name, payload: rejectPayload(mapped.raw), reason: mapped.reason });
      return undefined;
    }
    const validated = validate(mapped.row);
    if (validated.ok) return validated.row;
    rejects.push({ stream: stream.name, payload: rejectPayload(mapped.row), reason: validated.reason });
    return undefined;
  };
}

/**
 * Scans each record's bytes once to tell the usual forms (`duckdb-usual-scan.ts`) from the rest, maps the rest in
 * JavaScript, and writes the usual ones for DuckDB's reader as the bytes they arrived in (NDJSON lines, or array
 * items inside brackets), never decoded or serialised again. Runs while the previous batch is written.
 */
export async function prepareRawBatch(
  directory: string,
  name: string,
  stream: MappedStream,
  parts: readonly RawRecordPart[],
): Promise<PreparedRawBatch> {
  const primaryKey = stream.primaryKey ?? [];
  const usualKey = createUsualFormScanner(stream.mapping, stream.columns, primaryKey);
  const keys: unknown[][] = [];
  const seen = new Set<string>();
  let repeated = primaryKey.length === 0;
  const noteKey = (key: unknown[]) => {
    if (repeated) return;
    const text = JSON.stringify(key);
    if (seen.has(text)) repeated = true;
    seen.add(text);
    keys.push(key);
  };
  const rejects: RejectedRecord[] = [];
  const mapInJavaScript = javaScriptMapper(stream, rejects);
  const rows: { position: number; row: ValidatedRow }[] = [];
  const groups: { layout: RawRecords["layout"]; context: RecordContext; buffers: Uint8Array[]; bytes: number }[] = [];
  let staged = 0;
  let slot = 0;
  for (const part of parts) {
    const { layout } = part.records;
    let group = groups.at(-1);
    if (group?.context !== part.context || group.layout !== layout || group.bytes >= fileBytes) {
      group = { layout, context: part.context, buffers: [], bytes: 0 };
      groups.push(group);
    }
    const target = group;
    const stage = (buffer: Uint8Array) => {
      if (target.buffers.length > 0) target.buffers.push(separators[layout]);
      target.buffers.push(buffer);
      target.bytes += buffer.byteLength;
    };
    // Consecutive usual records are staged as one slice of the bytes they arrived in.
    for (const { bytes, spans } of recordSpans(part.records)) {
      let runStart = -1;
      let runEnd = -1;
      const flush = () => {
        if (runStart !== -1) stage(bytes.subarray(runStart, runEnd));
        runStart = -1;
      };
      for (let index = 0; index < spans.length; index += 2) {
        const start = spans[index] as number;
        const end = spans[index + 1] as number;
        const key = usualKey(bytes, start, end, part.context.values);
        if (key !== undefined) {
          noteKey(key);
          staged += 1;
          slot = 0;
          if (runStart === -1) runStart = start;
          runEnd = end;
          continue;
        }
        flush();
        const row = mapInJavaScript(bytes.toString("utf8", start, end).trim(), part.context);
        slot += 1;
        if (row === undefined) continue;
        noteKey(primaryKey.map((column) => row[column]));
        rows.push({ position: staged - 1 + slot / slotsBetweenRowids, row });
      }
      flush();
    }
  }
  const files = await Promise.all(
    groups
      .filter((group) => group.buffers.length > 0)
      .map(async (group, index) => {
        const path = join(directory, `${name}-${index}.json`);
        const file = await open(path, "w", 0o600);
        try {
          const array = group.layout === "json-array-items";
          await file.writev(array ? [Buffer.from("["), ...group.buffers, Buffer.from("]")] : group.buffers);
        } finally {
          await file.close();
        }
        return { path, layout: group.layout, context: group.context };
      }),
  );
  const contexts = [...new Set(files.map((file) => file.context))];
  return { files, contexts, rows, rejects, parts, uniqueKeys: repeated ? undefined : keys };
}

/**
 * Loads a prepared batch into temporary tables: DuckDB's typed reader reads the staged files (in parallel, keeping
 * their order: a table's rowid follows insertion order) through SQL generated from the mapping; JavaScript's rows
 * join them with their positions. Should DuckDB's reader refuse a file (e.g. a key repeated in one object), the
 * whole batch is mapped in JavaScript instead.
 */
export async function loadRawBatch(
  connection: DuckDBConnection,
  stream: MappedStream,
  batch: PreparedRawBatch,
  directory: string,
): Promise<MappedRawRecords> {
  const id = `${process.pid}_${++tableCounter}`;
  const table = quoteIdentifier(`_parley_raw_${id}`);
  const mappedTable = quoteIdentifier(`_parley_raw_${id}_js`);
  const columns = stream.columns;
  const names = columns.map((column) => quoteIdentifier(column.name)).join(", ");
  const typed = columns.map((column) => `${quoteIdentifier(column.name)} ${duckdbColumnTypes[column.type]}`);
  await connection.run(`CREATE TEMP TABLE ${table} (${typed.join(", ")})`);
  await connection.run(`CREATE TEMP TABLE ${mappedTable} (${positionColumn} DOUBLE, ${typed.join(", ")})`);
  const drop = async () => {
    await connection.run(`DROP TABLE IF EXISTS ${table}`);
    await connection.run(`DROP TABLE IF EXISTS ${mappedTable}`);
  };
  try {
    let rejects = batch.rejects;
    let rows = batch.rows;
    try {
      for (const run of layoutRuns(batch.files))
        await connection.run(`INSERT INTO ${table} ${selectStaged(stream, batch.contexts, run)}`);
    } catch {
      await connection.run(`DELETE FROM ${table}`);
      const all: RejectedRecord[] = [];
      const mapInJavaScript = javaScriptMapper(stream, all);
      const everything: { position: number; row: ValidatedRow }[] = [];
      for (const part of batch.parts)
        for (const text of rawRecordTexts(part.records)) {
          const row = mapInJavaScript(text, part.context);
          if (row !== undefined) everything.push({ position: everything.length, row });
        }
      rejects = all;
      rows = everything;
    }
    if (rows.length > 0) await insertMapped(connection, mappedTable, columns, rows, directory, id);
    const relation = `(SELECT rowid::DOUBLE AS ${positionColumn}, ${names} FROM ${table} UNION ALL SELECT ${positionColumn}, ${names} FROM ${mappedTable})`;
    return { relation, rejects, drop };
  } catch (error) {
    await drop().catch(() => undefined);
    throw error;
  }
}

/**
 * Maps a prepared batch without a temporary copy, for a merge or append whose keys do not repeat: the relation reads
 * the staged files itself, inside the write's transaction, and the batch's keys (staged by JavaScript) tell a merge
 * what to delete. Only JavaScript's rows are loaded here. DuckDB's reader may still refuse a file in the transaction
 * (a key repeated inside one object); the caller then falls back to `loadRawBatch`.
 */
export async function readRawBatchDirectly(
  connection: DuckDBConnection,
  stream: MappedStream,
  batch: PreparedRawBatch & { readonly uniqueKeys: readonly unknown[][] },
  directory: string,
): Promise<MappedRawRecords & { readonly uniqueKeys: string }> {
  const id = `${process.pid}_${++tableCounter}`;
  const mappedTable = quoteIdentifier(`_parley_raw_${id}_js`);
  const keysTable = quoteIdentifier(`_parley_raw_${id}_keys`);
  const columns = stream.columns;
  const primaryKey = stream.primaryKey ?? [];
  const names = columns.map((column) => quoteIdentifier(column.name)).join(", ");
  const typed = (of: readonly ColumnDefinition[]) =>
    of.map((column) => `${quoteIdentifier(column.name)} ${duckdbColumnTypes[column.type]}`).join(", ");
  const keyColumns = primaryKey.map((name) => columns.find((column) => column.name === name) as ColumnDefinition);
  await connection.run(`CREATE TEMP TABLE ${mappedTable} (${positionColumn} DOUBLE, ${typed(columns)})`);
  await connection.run(`CREATE TEMP TABLE ${keysTable} (${typed(keyColumns)})`);
  const drop = async () => {
    await connection.run(`DROP TABLE IF EXISTS ${mappedTable}`);
    await connection.run(`DROP TABLE IF EXISTS ${keysTable}`);
  };
  try {
    if (batch.rows.length > 0) await insertMapped(connection, mappedTable, columns, batch.rows, directory, id);
    if (keyColumns.length > 0 && batch.uniqueKeys.length > 0) {
      const rows = batch.uniqueKeys.map((key) =>
        Object.fromEntries(key.map((value, index) => [primaryKey[index], value])),
      );
      await insertRows(connection, keysTable, keyColumns, rows, join(directory, `_parley_raw_${id}_keys.ndjson`));
    }
    const staged = layoutRuns(batch.files).map((run) => `${selectStaged(stream, batch.contexts, run)}`);
    const relation = `(${[...staged, `SELECT ${names} FROM ${mappedTable}`].join(" UNION ALL ")})`;
    return { relation, uniqueKeys: keysTable, rejects: batch.rejects, drop };
  } catch (error) {
    await drop().catch(() => undefined);
    throw error;
  }
}

/** Loads rows (values as `ValidatedRow` holds them) into `table` through an NDJSON file DuckDB's typed reader reads. */
async function insertRows(
  connection: DuckDBConnection,
  table: string,
  columns: readonly ColumnDefinition[],
  rows: readonly Record<string, unknown>[],
  path: string,
): Promise<void> {
  const file = await open(path, "w", 0o600);
  try {
    await file.writeFile(rows.map((row) => JSON.stringify(row, bigints)).join("\n"));
  } finally {
    await file.close();
  }
  const types = columns.map(
    (column) => `${quoteLiteral(column.name)}: ${quoteLiteral(duckdbColumnTypes[column.type])}`,
  );
  const names = columns.map((column) => quoteIdentifier(column.name)).join(", ");
  try {
    await connection.run(
      `INSERT INTO ${table} (${names}) SELECT ${names} FROM read_json(${quoteLiteral(path)}, format = 'newline_delimited', columns = {${types.join(", ")}}, maximum_object_size = ${maximumObjectSize})`,
    );
  } finally {
    await rm(path, { force: true });
  }
}

/** The SELECT mapping a run of staged files of one layout (DuckDB's typed reader, then the mapping's casts). */
function selectStaged(
  stream: MappedStream,
  contexts: readonly RecordContext[],
  files: readonly StagedRawFile[],
): string {
  const paths = files.map((file) => quoteLiteral(file.path));
  const format = files[0]?.layout === "ndjson" ? "newline_delimited" : "array";
  const fileIndex =
    contexts.length === 1
      ? "0"
      : `CASE filename ${files.map((file) => `WHEN ${quoteLiteral(file.path)} THEN ${contexts.indexOf(file.context)}`).join(" ")} END`;
  const relation = `(SELECT ${fileIndex} AS ${fileColumn}, * FROM read_json([${paths.join(", ")}], format = '${format}', columns = {${readerColumns(stream.mapping)}}, filename = true, maximum_object_size = ${maximumObjectSize}))`;
  return mappingSelectSql(stream.mapping, stream.columns, contexts, relation);
}

async function insertMapped(
  connection: DuckDBConnection,
  table: string,
  columns: StreamDefinition["columns"],
  rows: readonly { readonly position: number; readonly row: ValidatedRow }[],
  directory: string,
  id: string,
): Promise<void> {
  const path = join(directory, `_parley_raw_${id}_js.ndjson`);
  const file = await open(path, "w", 0o600);
  try {
    await file.writeFile(
      rows.map(({ position, row }) => JSON.stringify({ [positionColumn]: position, ...row }, bigints)).join("\n"),
    );
  } finally {
    await file.close();
  }
  const types = [
    `${quoteLiteral(positionColumn)}: 'DOUBLE'`,
    ...columns.map((column) => `${quoteLiteral(column.name)}: ${quoteLiteral(duckdbColumnTypes[column.type])}`),
  ];
  const names = [positionColumn, ...columns.map((column) => quoteIdentifier(column.name))].join(", ");
  try {
    await connection.run(
      `INSERT INTO ${table} SELECT ${names} FROM read_json(${quoteLiteral(path)}, format = 'newline_delimited', columns = {${types.join(", ")}}, maximum_object_size = ${maximumObjectSize})`,
    );
  } finally {
    await rm(path, { force: true });
  }
}

/**
 * Each record's place in the bytes: the producer's offsets, or, without them, each record on its own (split as
 * text, then encoded again).
 */
function recordSpans(records: RawRecords): { bytes: Buffer; spans: Uint32Array }[] {
  const bytes = Buffer.from(records.bytes.buffer, records.bytes.byteOffset, records.bytes.byteLength);
  if (records.spans !== undefined) return [{ bytes, spans: records.spans }];
  return rawRecordTexts(records).map((text) => {
    const encoded = Buffer.from(text);
    return { bytes: encoded, spans: Uint32Array.of(0, encoded.length) };
  });
}

const bigints = (_key: string, value: unknown) => (typeof value === "bigint" ? value.toString() : value);

/** Consecutive files of one layout: one statement reads each run. */
function layoutRuns(files: readonly StagedRawFile[]): StagedRawFile[][] {
  const runs: StagedRawFile[][] = [];
  for (const file of files) {
    const last = runs.at(-1);
    if (last?.[0]?.layout === file.layout) last.push(file);
    else runs.push([file]);
  }
  return runs;
}
