import {
  type JsonValue,
  type LoadRecord,
  parseConfigOrThrow,
  registerSecret,
  type Sink,
  type StoredState,
  type StreamCompletion,
  type TableTarget,
  type WriteBatch,
} from "@parley/core";
import type pg from "pg";
import { type PostgresConfig, type PostgresSettings, postgresConfigSchema } from "./postgres-config.ts";
import { PostgresSession } from "./postgres-connection.ts";
import { jsonText } from "./postgres-copy.ts";
import { ensureDataTable, ensureInternalTables, lockSchema } from "./postgres-tables.ts";
import { qualified } from "./postgres-types.ts";
import { applyRows, insertRejects, swapReplaced, upsertState } from "./postgres-writer.ts";

type Row = Record<string, unknown>;

class PostgresSink implements Sink {
  readonly apiVersion = 1;
  readonly type = "postgres";
  readonly dialect = "postgres";
  readonly capabilities = { sql: true };
  readonly #config: PostgresConfig;
  readonly #session: PostgresSession;
  #ready: Promise<void> | undefined;

  constructor(config: PostgresConfig) {
    this.#config = config;
    this.#session = new PostgresSession(config);
  }

  #table(name: string): string {
    return qualified(this.#config.schema, name);
  }

  /** Creates the schema and Parley's own tables once per sink; retried on the next call if it failed. */
  #ensureInternal(): Promise<void> {
    this.#ready ??= this.#session
      .transaction((client) => ensureInternalTables(client, this.#config.schema))
      .catch((error: unknown) => {
        this.#ready = undefined;
        throw error;
      });
    return this.#ready;
  }

  async #rows(sql: string, values: unknown[] = []): Promise<Row[]> {
    await this.#ensureInternal();
    return this.#session.withClient(async (client) => (await client.query<Row>(sql, values)).rows);
  }

  async prepare(targets: readonly TableTarget[]): Promise<void> {
    await this.#ensureInternal();
    await this.#session.transaction(async (client) => {
      await lockSchema(client, this.#config.schema);
      for (const target of targets) await ensureDataTable(client, this.#config.schema, target);
    });
  }

  async readState(source: string): Promise<readonly StoredState[]> {
    const rows = await this.#rows(`SELECT * FROM ${this.#table("_parley_state")} WHERE source = $1 ORDER BY stream`, [
      source,
    ]);
    return rows.map((row) => ({
      source: String(row.source),
      stream: String(row.stream),
      version: Number(row.state_version),
      value: row.state as JsonValue,
      loadId: String(row.load_id),
      updatedAt: String(row.updated_at),
    }));
  }

  async resetState(source: string, streams?: readonly string[]): Promise<number> {
    await this.#ensureInternal();
    const result = await this.#session.withClient((client) =>
      client.query(
        `DELETE FROM ${this.#table("_parley_state")} WHERE source = $1 AND ($2::text[] IS NULL OR stream = ANY($2::text[]))`,
        [source, streams ?? null],
      ),
    );
    return result.rowCount ?? 0;
  }

  async startLoad(load: { loadId: string; source: string; startedAt: string }): Promise<void> {
    await this.#rows(
      `INSERT INTO ${this.#table("_parley_loads")} (load_id, source, started_at, status) VALUES ($1, $2, $3, 'running')`,
      [load.loadId, load.source, load.startedAt],
    );
  }

  async writeBatch(batch: WriteBatch): Promise<void> {
    await this.#ensureInternal();
    const schema = this.#config.schema;
    await this.#session.transaction(async (client) => {
      if (batch.rows.length > 0)
        await applyRows(client, {
          schema,
          target: batch.target,
          rows: batch.rows,
          loadId: batch.loadId,
          loadedAt: batch.loadedAt,
        });
      if (batch.rejects.length > 0) await insertRejects(client, schema, batch.source, batch.loadId, batch.rejects);
      if (batch.state !== undefined) await upsertState(client, schema, batch.state, batch.loadId);
    });
  }

  async completeStream(completion: StreamCompletion): Promise<void> {
    const replacing = completion.target.stream.writeDisposition === "replace";
    if (!replacing && completion.state === undefined) return;
    await this.#ensureInternal();
    await this.#session.transaction(async (client) => {
      if (replacing) await swapReplaced(client, this.#config.schema, completion.target, completion.loadId);
      if (completion.state !== undefined)
        await upsertState(client, this.#config.schema, completion.state, completion.loadId);
    });
  }

  async finishLoad(load: LoadRecord): Promise<void> {
    await this.#rows(
      `INSERT INTO ${this.#table("_parley_loads")} (load_id, source, started_at, finished_at, status, streams, error)
       VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7)
       ON CONFLICT (load_id) DO UPDATE SET source = EXCLUDED.source, started_at = EXCLUDED.started_at, finished_at = EXCLUDED.finished_at,
         status = EXCLUDED.status, streams = EXCLUDED.streams, error = EXCLUDED.error`,
      [load.loadId, load.source, load.startedAt, load.finishedAt, load.status, jsonText(load.streams), load.error],
    );
  }

  async listLoads(source?: string, limit = 50): Promise<readonly LoadRecord[]> {
    const rows = await this.#rows(
      `SELECT * FROM ${this.#table("_parley_loads")} WHERE ($1::text IS NULL OR source = $1) ORDER BY started_at DESC, load_id DESC LIMIT $2`,
      [source ?? null, Math.max(1, Math.floor(limit))],
    );
    return rows.map((row) => ({
      loadId: String(row.load_id),
      source: String(row.source),
      startedAt: String(row.started_at),
      finishedAt: row.finished_at === null ? null : String(row.finished_at),
      status: row.status as LoadRecord["status"],
      streams: (row.streams ?? []) as LoadRecord["streams"],
      error: row.error === null ? null : String(row.error),
    }));
  }

  async execute(sql: string): Promise<void> {
    await this.#session.withClient((client) => client.query(sql));
  }

  async query(sql: string): Promise<readonly Record<string, unknown>[]> {
    const result: pg.QueryResult<Row> | pg.QueryResult<Row>[] = await this.#session.withClient((client) =>
      client.query<Row>(sql),
    );
    // Several statements give one result each; the last one is the answer.
    return Array.isArray(result) ? (result.at(-1)?.rows ?? []) : result.rows;
  }

  async close(): Promise<void> {
    this.#ready = undefined;
    await this.#session.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

/** A sink that loads into PostgreSQL with COPY. No I/O happens until the first call. */
export function createPostgresSink(settings: PostgresSettings): Sink {
  const config = parseConfigOrThrow(postgresConfigSchema, settings, {
    pathPrefix: "sink",
    subject: "PostgreSQL sink settings",
  });
  if (config.url !== undefined) {
    // The url is redacted as a whole already; its password part must be too, wherever it shows up alone.
    const password = URL.canParse(config.url.reveal()) ? new URL(config.url.reveal()).password : "";
    if (password !== "") registerSecret(decodeURIComponent(password));
  }
  return new PostgresSink(config);
}
