import {
  type LoadRecord,
  loadRecordFromRow,
  parseConfigOrThrow,
  type Sink,
  type SinkFactory,
  type StoredState,
  type StreamCompletion,
  storedStateFromRow,
  type TableTarget,
  type WriteBatch,
} from "@parley/core";
import { type DuckdbConfig, type DuckdbSettings, duckdbConfigSchema } from "./duckdb-config.ts";
import { DuckdbSession } from "./duckdb-connection.ts";
import { latestRowPerKey } from "./duckdb-merge-keys.ts";
import { removeStagingFile, writeStagingFile } from "./duckdb-staging.ts";
import { ensureDataTable, ensureInternalTables, qualified } from "./duckdb-tables.ts";
import { applyRows, insertRejects, swapReplaced, upsertState } from "./duckdb-writer.ts";

class DuckdbSink implements Sink {
  readonly apiVersion = 1;
  readonly type = "duckdb";
  readonly dialect = "duckdb";
  readonly capabilities = { sql: true };
  readonly #config: DuckdbConfig;
  readonly #session: DuckdbSession;
  #internalTablesReady = false;

  constructor(config: DuckdbConfig) {
    this.#config = config;
    this.#session = new DuckdbSession(config);
  }

  #table(name: string): string {
    return qualified(this.#config.schema, name);
  }

  async #ensureInternal(): Promise<void> {
    if (this.#internalTablesReady) return;
    await this.#session.exclusive((connection) => ensureInternalTables(connection, this.#config.schema));
    this.#internalTablesReady = true;
  }

  async prepare(targets: readonly TableTarget[]): Promise<void> {
    await this.#ensureInternal();
    await this.#session.transaction(async (connection) => {
      for (const target of targets) await ensureDataTable(connection, this.#config.schema, target);
    });
  }

  async readState(source: string): Promise<readonly StoredState[]> {
    await this.#ensureInternal();
    const rows = await this.#session.exclusive((connection) =>
      this.#session.query(
        connection,
        `SELECT * FROM ${this.#table("_parley_state")} WHERE source = ? ORDER BY stream`,
        [source],
      ),
    );
    return rows.map(storedStateFromRow);
  }

  async resetState(source: string, streams?: readonly string[]): Promise<number> {
    await this.#ensureInternal();
    return this.#session.exclusive(async (connection) => {
      const filter = streams === undefined ? "" : ` AND list_contains(?::VARCHAR[], stream)`;
      const values =
        streams === undefined ? [source] : [source, `[${streams.map((stream) => JSON.stringify(stream)).join(",")}]`];
      const result = await connection.run(
        `DELETE FROM ${this.#table("_parley_state")} WHERE source = ?${filter}`,
        values,
      );
      return result.rowsChanged;
    });
  }

  async startLoad(load: { loadId: string; source: string; startedAt: string }): Promise<void> {
    await this.#ensureInternal();
    await this.#session.exclusive((connection) =>
      connection.run(
        `INSERT INTO ${this.#table("_parley_loads")} (load_id, source, started_at, status) VALUES (?, ?, ?::TIMESTAMPTZ, 'running')`,
        [load.loadId, load.source, load.startedAt],
      ),
    );
  }

  async writeBatch(batch: WriteBatch): Promise<void> {
    const merge =
      batch.target.stream.writeDisposition === "merge"
        ? latestRowPerKey(batch.rows, batch.target.stream.primaryKey)
        : undefined;
    const rows = merge?.rows ?? batch.rows;
    // Serialising rows happens before taking the connection, so it overlaps DuckDB finishing the previous batch.
    const stagingPath =
      rows.length > 0
        ? await writeStagingFile(
            this.#config.stagingDirectory,
            rows,
            batch.target.stream.writeDisposition === "replace",
          )
        : undefined;
    try {
      await this.#session.transaction(async (connection) => {
        if (stagingPath !== undefined) {
          await applyRows(connection, {
            schema: this.#config.schema,
            target: batch.target,
            stagingPath,
            keysJson: merge?.keysJson ?? "[]",
            loadId: batch.loadId,
            loadedAt: batch.loadedAt,
          });
        }
        if (batch.rejects.length > 0)
          await insertRejects(connection, this.#config.schema, batch.source, batch.loadId, batch.rejects);
        if (batch.state !== undefined) await upsertState(connection, this.#config.schema, batch.state, batch.loadId);
      }, this.#config.loadThreads);
    } finally {
      if (stagingPath !== undefined) await removeStagingFile(stagingPath);
    }
  }

  async completeStream(completion: StreamCompletion): Promise<void> {
    if (completion.target.stream.writeDisposition !== "replace" && completion.state === undefined) return;
    await this.#session.transaction(async (connection) => {
      if (completion.target.stream.writeDisposition === "replace") {
        await swapReplaced(connection, this.#config.schema, completion.target, completion.loadId);
      }
      if (completion.state !== undefined)
        await upsertState(connection, this.#config.schema, completion.state, completion.loadId);
    });
  }

  async finishLoad(load: LoadRecord): Promise<void> {
    await this.#ensureInternal();
    await this.#session.exclusive(async (connection) => {
      const table = this.#table("_parley_loads");
      await connection.run(`DELETE FROM ${table} WHERE load_id = ?`, [load.loadId]);
      await connection.run(
        `INSERT INTO ${table} (load_id, source, started_at, finished_at, status, streams, error) VALUES (?, ?, ?::TIMESTAMPTZ, ?::TIMESTAMPTZ, ?, ?::JSON, ?)`,
        [
          load.loadId,
          load.source,
          load.startedAt,
          load.finishedAt,
          load.status,
          JSON.stringify(load.streams),
          load.error,
        ],
      );
    });
  }

  async listLoads(source?: string, limit = 50): Promise<readonly LoadRecord[]> {
    await this.#ensureInternal();
    const rows = await this.#session.exclusive((connection) =>
      this.#session.query(
        connection,
        `SELECT * FROM ${this.#table("_parley_loads")}${source === undefined ? "" : " WHERE source = ?"} ORDER BY started_at DESC, load_id DESC LIMIT ${Math.max(1, Math.floor(limit))}`,
        source === undefined ? [] : [source],
      ),
    );
    return rows.map(loadRecordFromRow);
  }

  async execute(sql: string): Promise<void> {
    await this.#session.exclusive((connection) => connection.run(sql));
  }

  async query(sql: string): Promise<readonly Record<string, unknown>[]> {
    return this.#session.exclusive((connection) => this.#session.query(connection, sql));
  }

  async close(): Promise<void> {
    await this.#session.close();
    this.#internalTablesReady = false;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

/** A sink that loads into a DuckDB database file. No I/O happens until the first call. */
export function createDuckdbSink(settings: DuckdbSettings = {}): Sink {
  const config = parseConfigOrThrow(duckdbConfigSchema, settings, {
    pathPrefix: "sink",
    subject: "DuckDB sink settings",
  });
  return new DuckdbSink(config);
}

/** The runner's registry entry for this sink. */
export const duckdbSinkFactory: SinkFactory<typeof duckdbConfigSchema> = {
  type: "duckdb",
  configSchema: duckdbConfigSchema,
  create: (config) => new DuckdbSink(config),
};
