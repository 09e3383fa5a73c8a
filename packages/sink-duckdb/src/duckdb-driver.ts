import { randomUUID } from "node:crypto";
import { readFile, rm, writeFile } from "node:fs/promises";
import type { ColumnDefinition, LogicalType, RawRecordPart, RecordMapping, StreamDefinition } from "@parley/core";
import {
  createStagingArea,
  type DriverTransaction,
  type MappedRawRecords,
  type StagedRows,
  type StagingArea,
  type WarehouseDriver,
} from "@parley/core/warehouse";
import { type DuckdbConfig, mebibyte, rowObjectBytes, usualObjectBytes } from "./duckdb-config.ts";
import { DuckdbSession } from "./duckdb-connection.ts";
import { loadRawBatch, readerRefused, readRawBatchDirectly } from "./duckdb-raw-load.ts";
import { prepareRawBatch } from "./duckdb-raw-prepare.ts";
import { duckdbColumnTypes, quoteIdentifier, quoteLiteral, sameDuckdbType } from "./duckdb-types.ts";

/** Locks taken in this process, by database path and name: DuckDB's file lock already keeps other processes out. */
const heldLocks = new Map<string, string>();

/** The process that holds a DuckDB file, from DuckDB's "Conflicting lock is held in ... (PID 123)" message. */
function lockingPid(error: unknown): number | undefined {
  const match = /Conflicting lock is held in .*\(PID (\d+)\)/.exec(String((error as Error)?.message ?? ""));
  return match === null ? undefined : Number(match[1]);
}

/**
 * The DuckDB driver under the load protocol. One writer per file is DuckDB's own rule (its file lock), so the
 * sink lock is that lock plus a note beside the file saying which load holds it. A transaction is collected and
 * run at its end: staging files are written before the connection is taken, overlapping the previous batch.
 */
export function createDuckdbDriver(config: DuckdbConfig): WarehouseDriver {
  const qualified = (name: string) => `${quoteIdentifier(config.schema)}.${quoteIdentifier(name)}`;
  const lockNote = config.path === ":memory:" ? undefined : `${config.path}.parley-lock.json`;
  let staging: Promise<StagingArea> | undefined;
  const stagingArea = () => {
    staging ??= createStagingArea(config.stagingDirectory);
    return staging;
  };
  const session = new DuckdbSession(config, async () => (await stagingArea()).directory);
  const query = (sql: string, values: string[] = []) =>
    session.exclusive((connection) => session.query(connection, sql, values));
  const columnSql = (column: ColumnDefinition) => `${quoteIdentifier(column.name)} ${duckdbColumnTypes[column.type]}`;

  async function stage(files: string[], columns: readonly ColumnDefinition[], rows: StagedRows): Promise<string> {
    const staged =
      rows.kind === "ndjson"
        ? { paths: rows.paths, longestRowBytesAtMost: rowObjectBytes }
        : await (await stagingArea()).writeNdjsonMeasured(rows.rows as Record<string, unknown>[]);
    const paths = staged.paths;
    if (rows.kind === "rows") files.push(...paths);
    // 64 MiB for every batch left a batch of large rows no room (3,000 CCAI conversations ran out of the default
    // 256MB; 16 MiB loaded them): the limit grows only for a batch holding a longer row.
    const objectBytes = Math.max(usualObjectBytes, Math.ceil((staged.longestRowBytesAtMost + 1) / mebibyte) * mebibyte);
    const typed = columns.map(
      (column) => `${quoteLiteral(column.name)}: ${quoteLiteral(duckdbColumnTypes[column.type])}`,
    );
    const list = `[${paths.map(quoteLiteral).join(", ")}]`;
    return `read_json(${list}, format = 'newline_delimited', columns = {${typed.join(", ")}}, maximum_object_size = ${objectBytes})`;
  }

  /** The bulk path (`mapInSql`): DuckDB reads the raw records, SQL generated from the stream's mapping maps them. */
  async function mapInSql(
    stream: StreamDefinition & { readonly mapping: RecordMapping },
    parts: readonly RawRecordPart[],
    after: Promise<unknown>,
  ): Promise<MappedRawRecords> {
    const area = await stagingArea();
    // JavaScript's share (reading each record once, staging the bytes) runs while DuckDB loads the previous batch.
    const batch = await prepareRawBatch(area.directory, `raw-${randomUUID()}`, stream, parts);
    const removeFiles = () => area.remove(batch.files.map((file) => file.path));
    const copied = async (refused = false): Promise<MappedRawRecords> => {
      const mapped = await session.exclusive((connection) => loadRawBatch(connection, stream, batch, area, refused));
      return { ...mapped, release: () => session.exclusive(() => mapped.drop()).finally(removeFiles) };
    };
    try {
      const read = batch.read;
      if (read.kind === "ranked") {
        await after;
        return await copied();
      }
      // Written now, while the previous batch loads; DuckDB reads them only in this batch's write.
      const direct = await readRawBatchDirectly(stream, batch, read.keys, area);
      await after.catch(async (error: unknown) => {
        await direct.remove();
        throw error;
      });
      return {
        relation: direct.relation,
        ...(direct.uniqueKeys === undefined ? {} : { uniqueKeys: direct.uniqueKeys }),
        rejects: direct.rejects,
        mappedInJavaScript: direct.mappedInJavaScript,
        release: () => direct.remove().finally(removeFiles),
        fallback: async (failure) => {
          if (!readerRefused(failure)) throw failure;
          await direct.remove();
          return copied(true);
        },
      };
    } catch (error) {
      await removeFiles();
      throw error;
    }
  }

  return {
    dialect: "duckdb",
    namespace: config.schema,
    maxIdentifierLength: 255,
    columnType: (type: LogicalType) => duckdbColumnTypes[type],
    holdsType: sameDuckdbType,
    quoteIdentifier,
    quoteString: quoteLiteral,
    parseJson: (literal) => `CAST(${literal} AS JSON)`,
    mergeDeletesByJoin: true,
    table: qualified,
    async describeTable(name) {
      const rows = await query(
        "SELECT column_name AS name, data_type AS type FROM information_schema.columns WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position",
        [config.schema, name],
      );
      return rows.length === 0
        ? undefined
        : { columns: rows.map((row) => ({ name: String(row.name), type: String(row.type) })) };
    },
    async listTables(prefix) {
      const rows = await query(
        "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = ? AND starts_with(table_name, ?)",
        [config.schema, prefix],
      );
      return rows.map((row) => String(row.name));
    },
    async createTable(name, columns) {
      await query(`CREATE TABLE IF NOT EXISTS ${qualified(name)} (${columns.map(columnSql).join(", ")})`);
    },
    async addColumns(name, columns) {
      for (const column of columns)
        await query(`ALTER TABLE ${qualified(name)} ADD COLUMN IF NOT EXISTS ${columnSql(column)}`);
    },
    async dropTable(name) {
      await query(`DROP TABLE IF EXISTS ${qualified(name)}`);
    },
    async transaction(work) {
      const statements: string[] = [];
      const files: string[] = [];
      const transaction: DriverTransaction = {
        run: async (sql) => {
          statements.push(sql);
        },
        stage: (columns, rows) => stage(files, columns, rows),
      };
      try {
        const result = await work(transaction);
        if (statements.length > 0) await session.transaction(statements, config.loadThreads);
        return result;
      } finally {
        if (files.length > 0) await (await stagingArea()).remove(files);
      }
    },
    query: (sql) => query(sql),
    async tryLock(name, holder) {
      const key = `${config.path}\n${name}`;
      const held = heldLocks.get(key);
      if (held !== undefined) return { heldBy: held };
      try {
        await query("SELECT 1");
      } catch (error) {
        const pid = lockingPid(error);
        if (pid === undefined) throw error;
        const note = lockNote === undefined ? undefined : await readFile(lockNote, "utf8").catch(() => undefined);
        const noted = note === undefined ? undefined : (JSON.parse(note) as { pid?: number; holder?: string });
        return { heldBy: noted?.pid === pid ? noted.holder : `process ${pid}, which has the database file open` };
      }
      heldLocks.set(key, holder);
      if (lockNote !== undefined)
        await writeFile(lockNote, JSON.stringify({ pid: process.pid, holder }), { mode: 0o600 });
      return {
        release: async () => {
          heldLocks.delete(key);
          if (lockNote !== undefined) await rm(lockNote, { force: true });
        },
      };
    },
    ...(config.mapInSql ? { mapRawRecords: mapInSql } : {}),
    // A commit of whole row groups is written straight into the file; a small leftover group is merged with the
    // next ones at the checkpoint, rewriting them (1.1 s per 200k Voicegain calls in 18k-row batches).
    batchRowMultiple: config.rowGroupSize,
    async ensureNamespace() {
      await query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(config.schema)}`);
    },
    async close() {
      await session.close();
      const area = staging;
      staging = undefined;
      if (area !== undefined) await (await area).close();
    },
  };
}
