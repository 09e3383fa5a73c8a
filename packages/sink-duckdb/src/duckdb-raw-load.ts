import { readFile } from "node:fs/promises";
import type { DuckDBConnection } from "@duckdb/node-api";
import {
  type ColumnDefinition,
  ElementSplitter,
  type RecordContext,
  type RejectedRecord,
  type StreamDefinition,
  type ValidatedRow,
} from "@parley/core";
import { positionColumn, type StagingArea } from "@parley/core/warehouse";
import { usualObjectBytes } from "./duckdb-config.ts";
import { fileColumn, mappingSelectSql, readerColumns } from "./duckdb-mapping-sql.ts";
import {
  javaScriptMapper,
  type MappedStream,
  type PreparedRawBatch,
  type StagedRawFile,
} from "./duckdb-raw-prepare.ts";
import { duckdbColumnTypes, quoteIdentifier, quoteLiteral } from "./duckdb-types.ts";

/** Raw records of one batch mapped into temporary tables: a relation of rows with their batch position, and rejects. */
export interface MappedRawRecords {
  /** The stream's columns and `_parley_position` (the record's place in the batch). */
  readonly relation: string;
  readonly rejects: readonly RejectedRecord[];
  /** Records mapped in JavaScript (rejects included): not in the usual forms, or the whole batch after a refusal. */
  readonly mappedInJavaScript: number;
  drop(): Promise<void>;
}

/**
 * DuckDB's reader refusing a record (malformed JSON, a key sent twice) or a cast failing: the JavaScript mapper
 * handles both. Anything else (a fault in the generated SQL, the disk) must fail the write, not hide behind it.
 */
export function readerRefused(error: unknown): boolean {
  return /^(Invalid Input|Conversion) Error:/.test(error instanceof Error ? error.message : String(error));
}

let tableCounter = 0;

/**
 * Loads a prepared batch into temporary tables: DuckDB's typed reader reads the staged files (in parallel, keeping
 * their order: a table's rowid follows insertion order) through SQL generated from the mapping; JavaScript's rows
 * join them with their positions. Should DuckDB's reader refuse a file (malformed JSON inside a nested value), the
 * whole batch is mapped in JavaScript instead; `refused`: it already did (the direct read), so it is not read again.
 */
export async function loadRawBatch(
  connection: DuckDBConnection,
  stream: MappedStream,
  batch: PreparedRawBatch,
  area: StagingArea,
  refused = false,
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
    let readerRefusedBatch = refused;
    if (!readerRefusedBatch)
      try {
        for (const run of layoutRuns(batch.files))
          await connection.run(`INSERT INTO ${table} ${selectStaged(stream, batch.contexts, run)}`);
      } catch (error) {
        if (!readerRefused(error)) throw error;
        await connection.run(`DELETE FROM ${table}`);
        readerRefusedBatch = true;
      }
    if (readerRefusedBatch) {
      // Every staged record mapped in JavaScript at its place (its rowid in the refused read), read back from the
      // staged files: a batch's bytes are not kept in memory for this rare case. Records mapped apart keep theirs.
      const restaged: RejectedRecord[] = [];
      const mapInJavaScript = javaScriptMapper(stream, restaged);
      const again: { position: number; row: ValidatedRow }[] = [];
      let position = 0;
      for (const file of batch.files)
        for (const text of await stagedRecordTexts(file)) {
          const row = mapInJavaScript(text, file.context);
          if (row !== undefined) again.push({ position, row });
          position += 1;
        }
      rejects = [...batch.rejects, ...restaged];
      rows = [...again, ...batch.rows];
    }
    const mappedInJavaScript = rows.length + rejects.length;
    if (rows.length > 0) await insertMapped(connection, mappedTable, columns, rows, area);
    const relation = `(SELECT rowid::DOUBLE AS ${positionColumn}, ${names} FROM ${table} UNION ALL SELECT ${positionColumn}, ${names} FROM ${mappedTable})`;
    return { relation, rejects, mappedInJavaScript, drop };
  } catch (error) {
    await drop().catch(() => undefined);
    throw error;
  }
}

/**
 * Maps a prepared batch without a temporary copy (`read.kind` "direct": an append, or a merge whose keys do not
 * repeat): the relation reads the staged files itself, inside the write's transaction, together with the rows
 * JavaScript mapped and, for a merge, the batch's keys (what to delete), both written as NDJSON files here. Nothing
 * touches the database before the write, whose statements then go to DuckDB in one call. DuckDB's reader may still
 * refuse a file in the transaction (a key repeated inside one object); the caller then falls back to `loadRawBatch`.
 */
export async function readRawBatchDirectly(
  stream: MappedStream,
  batch: PreparedRawBatch,
  keys: readonly Record<string, unknown>[],
  area: StagingArea,
): Promise<{
  relation: string;
  uniqueKeys?: string;
  rejects: readonly RejectedRecord[];
  mappedInJavaScript: number;
  remove(): Promise<void>;
}> {
  const columns = stream.columns;
  const files: string[] = [];
  const remove = () => area.remove(files);
  try {
    const selects = layoutRuns(batch.files).map((run) => selectStaged(stream, batch.contexts, run));
    if (batch.rows.length > 0) {
      const paths = await area.writeNdjson(batch.rows.map(({ row }) => row));
      files.push(...paths);
      selects.push(selectRowsFile(paths, columns));
    }
    const relation = `(${selects.length === 0 ? selectNothing(columns) : selects.join(" UNION ALL ")})`;
    const mappedInJavaScript = batch.rows.length + batch.rejects.length;
    if (stream.writeDisposition !== "merge") return { relation, rejects: batch.rejects, mappedInJavaScript, remove };
    const keyColumns = (stream.primaryKey ?? []).map(
      (name) => columns.find((column) => column.name === name) as ColumnDefinition,
    );
    let uniqueKeys = `(${selectNothing(keyColumns)})`;
    if (keys.length > 0) {
      const paths = await area.writeNdjson(keys);
      files.push(...paths);
      uniqueKeys = `(${selectRowsFile(paths, keyColumns)})`;
    }
    return { relation, uniqueKeys, rejects: batch.rejects, mappedInJavaScript, remove };
  } catch (error) {
    await remove();
    throw error;
  }
}

/** A SELECT of `columns` from NDJSON files of rows (`StagingArea.writeNdjson`), through DuckDB's typed reader. */
function selectRowsFile(paths: readonly string[], columns: readonly ColumnDefinition[]): string {
  const types = columns.map(
    (column) => `${quoteLiteral(column.name)}: ${quoteLiteral(duckdbColumnTypes[column.type])}`,
  );
  const names = columns.map((column) => quoteIdentifier(column.name)).join(", ");
  return `SELECT ${names} FROM read_json([${paths.map(quoteLiteral).join(", ")}], format = 'newline_delimited', records = true, columns = {${types.join(", ")}}, maximum_object_size = ${usualObjectBytes})`;
}

/** A SELECT of `columns` with no rows. */
function selectNothing(columns: readonly ColumnDefinition[]): string {
  const nulls = columns.map(
    (column) => `CAST(NULL AS ${duckdbColumnTypes[column.type]}) AS ${quoteIdentifier(column.name)}`,
  );
  return `SELECT ${nulls.join(", ")} WHERE false`;
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
  const relation = `(SELECT ${fileIndex} AS ${fileColumn}, * FROM read_json([${paths.join(", ")}], format = '${format}', columns = {${readerColumns(stream.mapping)}}, filename = true, maximum_object_size = ${usualObjectBytes}))`;
  return mappingSelectSql(stream.mapping, stream.columns, contexts, relation);
}

async function insertMapped(
  connection: DuckDBConnection,
  table: string,
  columns: StreamDefinition["columns"],
  rows: readonly { readonly position: number; readonly row: ValidatedRow }[],
  area: StagingArea,
): Promise<void> {
  const paths = await area.writeNdjson(rows.map(({ position, row }) => ({ [positionColumn]: position, ...row })));
  try {
    const positioned: ColumnDefinition[] = [{ name: positionColumn, type: "float" }, ...columns];
    await connection.run(`INSERT INTO ${table} ${selectRowsFile(paths, positioned)}`);
  } finally {
    await area.remove(paths);
  }
}

/** The records of a staged file, as text, in their order. */
async function stagedRecordTexts(file: StagedRawFile): Promise<string[]> {
  const splitter = new ElementSplitter(file.layout === "ndjson" ? "ndjson" : undefined);
  const elements = [...splitter.push(await readFile(file.path)), ...splitter.finish()];
  return elements.map((element) => element.text);
}

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
