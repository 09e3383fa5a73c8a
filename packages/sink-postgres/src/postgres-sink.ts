import {
  type LoadRecord,
  parseConfigOrThrow,
  registerSecret,
  type Sink,
  type SinkFactory,
  type StoredState,
  type StreamCompletion,
  type TableTarget,
  type WriteBatch,
} from "@parley/core";
import type pg from "pg";
import { type PostgresConfig, type PostgresSettings, postgresConfigSchema } from "./postgres-config.ts";
import { PostgresSession } from "./postgres-connection.ts";
import {
  finishLoad,
  insertRejects,
  listLoads,
  readState,
  resetState,
  startLoad,
  upsertState,
} from "./postgres-ledger.ts";
import { ensureDataTable, ensureInternalTables, lockSchema } from "./postgres-tables.ts";
import { applyRows, swapReplaced } from "./postgres-writer.ts";

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

  /** Runs `work` on a pooled client once Parley's own tables exist. */
  async #withTables<T>(work: (client: pg.PoolClient, schema: string) => Promise<T>): Promise<T> {
    await this.#ensureInternal();
    return this.#session.withClient((client) => work(client, this.#config.schema));
  }

  async prepare(targets: readonly TableTarget[]): Promise<void> {
    await this.#ensureInternal();
    await this.#session.transaction(async (client) => {
      await lockSchema(client, this.#config.schema);
      for (const target of targets) await ensureDataTable(client, this.#config.schema, target);
    });
  }

  async readState(source: string): Promise<readonly StoredState[]> {
    return this.#withTables((client, schema) => readState(client, schema, source));
  }

  async resetState(source: string, streams?: readonly string[]): Promise<number> {
    return this.#withTables((client, schema) => resetState(client, schema, source, streams));
  }

  async startLoad(load: { loadId: string; source: string; startedAt: string }): Promise<void> {
    await this.#withTables((client, schema) => startLoad(client, schema, load));
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
    await this.#withTables((client, schema) => finishLoad(client, schema, load));
  }

  async listLoads(source?: string, limit = 50): Promise<readonly LoadRecord[]> {
    return this.#withTables((client, schema) => listLoads(client, schema, source, limit));
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
function sinkFromConfig(config: PostgresConfig): Sink {
  if (config.url !== undefined) {
    // The url is redacted as a whole already; its password part must be too, wherever it shows up alone.
    const password = URL.canParse(config.url.reveal()) ? new URL(config.url.reveal()).password : "";
    if (password !== "") registerSecret(decodeURIComponent(password));
  }
  return new PostgresSink(config);
}

export function createPostgresSink(settings: PostgresSettings): Sink {
  return sinkFromConfig(
    parseConfigOrThrow(postgresConfigSchema, settings, { pathPrefix: "sink", subject: "PostgreSQL sink settings" }),
  );
}

/** The runner's registry entry for this sink. */
export const postgresSinkFactory: SinkFactory<typeof postgresConfigSchema> = {
  type: "postgres",
  configSchema: postgresConfigSchema,
  create: sinkFromConfig,
};
