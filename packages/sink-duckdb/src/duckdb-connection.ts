import { mkdir } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { dirname } from "node:path";
import { type DuckDBConnection, DuckDBInstance, type DuckDBValue } from "@duckdb/node-api";
import { refuseDuplicateColumns } from "@parley/core/warehouse";
import type { DuckdbConfig } from "./duckdb-config.ts";
import { normaliseValue, quoteIdentifier, quoteLiteral } from "./duckdb-types.ts";

/**
 * One DuckDB database and one connection, opened on first use. Operations are queued because a
 * DuckDB connection has a single transaction at a time; two interleaved batches would share it.
 */
export class DuckdbSession {
  readonly #config: DuckdbConfig;
  readonly #spillDirectory: () => Promise<string>;
  #opening: Promise<{ instance: DuckDBInstance; connection: DuckDBConnection }> | undefined;
  #queue: Promise<unknown> = Promise.resolve();

  /** `spillDirectory`: where an in-memory database spills beyond `memoryLimit` (a file database spills beside its file). */
  constructor(config: DuckdbConfig, spillDirectory: () => Promise<string>) {
    this.#config = config;
    this.#spillDirectory = spillDirectory;
  }

  #open(): Promise<{ instance: DuckDBInstance; connection: DuckDBConnection }> {
    this.#opening ??= (async () => {
      const options: Record<string, string> = {};
      options.memory_limit = this.#config.memoryLimit;
      if (this.#config.threads !== undefined) options.threads = String(this.#config.threads);
      // DuckDB's own choice for an in-memory database is `.tmp` in whatever folder the run started in.
      if (this.#config.path === ":memory:") options.temp_directory = await this.#spillDirectory();
      const instance = await openDatabase(this.#config.path, options);
      const connection = await instance.connect();
      // Results render timestamps in the session zone; UTC keeps them identical on every machine.
      await connection.run("SET TimeZone = 'UTC'");
      // DuckDB checkpoints the file whenever the WAL passes 16 MB, which made every large batch's COMMIT
      // rewrite table data (0.5-2.8 s per 50k rows measured). Checkpointing at close instead: a crash
      // replays the WAL on the next open, so nothing is lost.
      await connection.run(`SET checkpoint_threshold = ${quoteLiteral(this.#config.checkpointThreshold)}`);
      await connection.run(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(this.#config.schema)}`);
      await connection.run(`SET schema = ${quoteLiteral(this.#config.schema)}`);
      return { instance, connection };
    })().catch((error: unknown) => {
      this.#opening = undefined;
      throw error;
    });
    return this.#opening;
  }

  /** Runs `work` alone on the connection (after every earlier queued operation). */
  exclusive<T>(work: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
    const next = this.#queue.then(async () => work((await this.#open()).connection));
    this.#queue = next.catch(() => undefined);
    return next;
  }

  /** Runs `work` inside BEGIN/COMMIT, rolling back on any error; with `threads`, DuckDB uses that many meanwhile. */
  transaction<T>(work: (connection: DuckDBConnection) => Promise<T>, threads?: number): Promise<T> {
    return this.exclusive(async (connection) => {
      if (threads !== undefined) await connection.run(`SET threads = ${Math.floor(threads)}`);
      await connection.run("BEGIN TRANSACTION");
      try {
        const result = await work(connection);
        await connection.run("COMMIT");
        return result;
      } catch (error) {
        await connection.run("ROLLBACK").catch(() => undefined);
        throw error;
      } finally {
        if (threads !== undefined)
          await connection.run(`SET threads = ${this.#config.threads ?? availableParallelism()}`);
      }
    });
  }

  async query(
    connection: DuckDBConnection,
    sql: string,
    values: DuckDBValue[] = [],
  ): Promise<Record<string, unknown>[]> {
    const reader = await connection.runAndReadAll(sql, values);
    const names = reader.columnNames();
    refuseDuplicateColumns(names);
    const types = reader.columnTypes();
    return reader.getRowsJson().map((row) => {
      const out: Record<string, unknown> = {};
      row.forEach((value, index) => {
        const type = types[index];
        const name = names[index] as string;
        if (type?.alias === "JSON" && typeof value === "string") out[name] = JSON.parse(value);
        else out[name] = type === undefined ? value : normaliseValue(type.typeId, value);
      });
      return out;
    });
  }

  async close(): Promise<void> {
    const opening = this.#opening;
    this.#opening = undefined;
    if (opening === undefined) return;
    await this.#queue;
    const { instance, connection } = await opening;
    await connection.run("CHECKPOINT").catch(() => undefined);
    connection.closeSync();
    instance.closeSync();
  }
}

/** Opens the database file, creating its folder; a failure names `sink.path` and the file. */
async function openDatabase(path: string, options: Record<string, string>): Promise<DuckDBInstance> {
  try {
    if (path !== ":memory:") await mkdir(dirname(path), { recursive: true });
    return await DuckDBInstance.create(path, options);
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    const why = /Conflicting lock/.test(reason)
      ? " (another process has the file open, such as a running parley sync: DuckDB allows one process per file)"
      : "";
    throw new Error(`sink.path: cannot open the DuckDB file ${path}${why}: ${reason}`, { cause });
  }
}
