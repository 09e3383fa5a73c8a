import { mkdir } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { dirname } from "node:path";
import { type DuckDBConnection, DuckDBInstance, type DuckDBValue } from "@duckdb/node-api";
import { refuseDuplicateColumns } from "@parley/core/warehouse";
import { type DuckdbConfig, mebibyte } from "./duckdb-config.ts";
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
  /** DuckDB's thread count as last set; unknown until the first operation sets it. */
  #threads: number | undefined;

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
      const { instance, connection } = await openDatabase(this.#config, options);
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

  /** Runs `work` alone on the connection (after every earlier queued operation), on all of DuckDB's threads. */
  exclusive<T>(work: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
    return this.#exclusive(this.#config.threads ?? availableParallelism(), work);
  }

  #exclusive<T>(threads: number, work: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
    const next = this.#queue.then(async () => {
      const { connection } = await this.#open();
      // Changing DuckDB's thread count restarts its workers (~5 ms, twice per batch when every write set it and
      // set it back: 4% of a 300 MB load), so it changes only when the next operation wants another count.
      if (this.#threads !== threads) {
        await connection.run(`SET threads = ${Math.floor(threads)}`);
        this.#threads = threads;
      }
      return work(connection);
    });
    this.#queue = next.catch(() => undefined);
    return next;
  }

  /**
   * Runs `statements` as one transaction, sent to DuckDB in one call: each call's result comes back through the
   * main thread, which the next batch's preparation keeps busy, so a dozen small calls cost more than the work.
   * Any error rolls back. With `threads`, DuckDB uses that many (until an operation wants another count).
   */
  transaction(statements: readonly string[], threads?: number): Promise<void> {
    return this.#exclusive(threads ?? this.#config.threads ?? availableParallelism(), async (connection) => {
      try {
        await connection.run(["BEGIN TRANSACTION", ...statements, "COMMIT"].join(";\n"));
      } catch (error) {
        // A separate call: after a failed COMMIT there is no transaction to roll back.
        await connection.run("ROLLBACK").catch(() => undefined);
        throw error;
      }
      await this.#dropCachedTableBlocks(connection);
    });
  }

  /**
   * DuckDB keeps the blocks a commit wrote into the file in memory until `memoryLimit` forces them out, so a load's
   * memory grew with the data loaded (by ~150 MB over a 1 GB Ultimate day) though a load never reads them again.
   * Lowering the limit for a moment drops them: they are in the file already. The price: a merge's DELETE then
   * reads the table's key columns from the file again each batch (measured at 2M rows: 45 -> 93 ms per batch; a
   * table whose keys outgrow `memoryLimit` reads them either way). The limit is lowered to what everything but the
   * file's table blocks takes: DuckDB evicts those and keeps the tables held only in memory (a temporary table
   * holding a batch), which exist nowhere else (checked: 22 -> 7 MB of table blocks at 8 MB above, a 30 MB table
   * in memory kept, nothing spilled). Not for an in-memory database, whose blocks exist nowhere else either.
   */
  async #dropCachedTableBlocks(connection: DuckDBConnection): Promise<void> {
    if (this.#config.path === ":memory:") return;
    const restore = `SET memory_limit = ${quoteLiteral(this.#config.memoryLimit)}`;
    // Only memory is at stake, and the write is committed: a failure here must not report it as failed.
    try {
      const other = await connection.runAndReadAll(
        "SELECT COALESCE(SUM(memory_usage_bytes), 0)::BIGINT FROM duckdb_memory() WHERE tag <> 'BASE_TABLE'",
      );
      const kept = Math.ceil(Number(other.getRows()[0]?.[0] ?? 0) / mebibyte) + 1;
      // DuckDB refuses a limit below what is in use (pinned blocks stay); it then keeps the old one.
      await connection.run(`SET memory_limit = '${kept}MiB'; ${restore}`);
    } catch {
      await connection.run(restore).catch(() => undefined);
    }
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
    this.#threads = undefined;
    if (opening === undefined) return;
    await this.#queue;
    const { instance, connection } = await opening;
    await connection.run("CHECKPOINT").catch(() => undefined);
    connection.closeSync();
    instance.closeSync();
  }
}

/**
 * Opens the database. A file is attached to an in-memory instance rather than opened directly, because only
 * ATTACH takes a row group size (`rowGroupSize`); it keeps the name DuckDB gives a directly opened file, so
 * views and `current_database()` read the same either way. A failure names `sink.path` and the file.
 */
async function openDatabase(
  config: DuckdbConfig,
  options: Record<string, string>,
): Promise<{ instance: DuckDBInstance; connection: DuckDBConnection }> {
  const path = config.path;
  if (path === ":memory:") {
    const instance = await DuckDBInstance.create(path, options);
    return { instance, connection: await instance.connect() };
  }
  let instance: DuckDBInstance | undefined;
  try {
    await mkdir(dirname(path), { recursive: true });
    // A file database spills beside its file, as DuckDB does when it opens the file itself.
    instance = await DuckDBInstance.create(":memory:", { temp_directory: `${path}.tmp`, ...options });
    const connection = await instance.connect();
    const attach = (alias: string) =>
      connection.run(`ATTACH ${quoteLiteral(path)}${alias} (ROW_GROUP_SIZE ${config.rowGroupSize})`);
    // A file named memory.* would take the name of the instance's own catalog: DuckDB's way for such names (main_db).
    await attach("").catch((error: unknown) => {
      if (!/database with name "memory" already exists/.test(String(error))) throw error;
      return attach(" AS memory_db");
    });
    // Found as the catalog that is not the instance's own: DuckDB lists the path resolved (symlinks, `..`, cwd).
    const attached = await connection.runAndReadAll(
      "SELECT database_name FROM duckdb_databases() WHERE NOT internal AND database_name <> current_database()",
    );
    await connection.run(`USE ${quoteIdentifier(String(attached.getRows()[0]?.[0]))}`);
    return { instance, connection };
  } catch (cause) {
    instance?.closeSync();
    const reason = cause instanceof Error ? cause.message : String(cause);
    const why = /Conflicting lock/.test(reason)
      ? " (another process has the file open, such as a running parley sync: DuckDB allows one process per file)"
      : "";
    throw new Error(`sink.path: cannot open the DuckDB file ${path}${why}: ${reason}`, { cause });
  }
}
