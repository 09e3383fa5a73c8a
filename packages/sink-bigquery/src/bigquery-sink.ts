import {
  internalTables,
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
import { type BigqueryConfig, type BigquerySettings, bigqueryConfigSchema } from "./bigquery-config.ts";
import { BigquerySession } from "./bigquery-session.ts";
import { transaction } from "./bigquery-statements.ts";
import { ensureDataTable, ensureInternalTables } from "./bigquery-tables.ts";
import { quoteString } from "./bigquery-types.ts";
import { completeStream, writeBatch } from "./bigquery-writer.ts";

function timestamp(value: string | null): string {
  return value === null ? "NULL" : `TIMESTAMP ${quoteString(value)}`;
}

class BigquerySink implements Sink {
  readonly apiVersion = 1;
  readonly type = "bigquery";
  readonly dialect = "bigquery";
  readonly capabilities = { sql: true };
  readonly #config: BigqueryConfig;
  readonly #session: BigquerySession;
  #internalTables: Promise<void> | undefined;

  constructor(config: BigqueryConfig, authClient: BigquerySettings["authClient"]) {
    this.#config = config;
    this.#session = new BigquerySession(config, authClient);
  }

  #table(name: string): string {
    return this.#session.tableName(name);
  }

  #ensureInternal(): Promise<void> {
    this.#internalTables ??= (async () => {
      await this.#session.ensureDataset();
      await ensureInternalTables(this.#session, this.#config);
    })().catch((error: unknown) => {
      this.#internalTables = undefined;
      throw error;
    });
    return this.#internalTables;
  }

  async prepare(targets: readonly TableTarget[]): Promise<void> {
    await this.#ensureInternal();
    for (const target of targets) await ensureDataTable(this.#session, this.#config, target);
  }

  async readState(source: string): Promise<readonly StoredState[]> {
    await this.#ensureInternal();
    const rows = await this.#session.select(
      `SELECT * FROM ${this.#table(internalTables.state.name)} WHERE source = ${quoteString(source)} ORDER BY stream`,
    );
    return rows.map(storedStateFromRow);
  }

  async resetState(source: string, streams?: readonly string[]): Promise<number> {
    await this.#ensureInternal();
    const filter =
      streams === undefined
        ? ""
        : ` AND stream IN (${streams.length === 0 ? "NULL" : streams.map(quoteString).join(", ")})`;
    const job = await this.#session.script(
      "reset_state",
      `DELETE FROM ${this.#table(internalTables.state.name)} WHERE source = ${quoteString(source)}${filter}`,
    );
    return Number(job.statistics?.query?.numDmlAffectedRows ?? 0);
  }

  async startLoad(load: { loadId: string; source: string; startedAt: string }): Promise<void> {
    await this.#ensureInternal();
    await this.#session.script(
      "start_load",
      `INSERT INTO ${this.#table(internalTables.loads.name)} (load_id, source, started_at, status) VALUES (${quoteString(load.loadId)}, ${quoteString(load.source)}, ${timestamp(load.startedAt)}, 'running')`,
    );
  }

  async writeBatch(batch: WriteBatch): Promise<void> {
    await this.#ensureInternal();
    await writeBatch(this.#session, this.#config, batch);
  }

  async completeStream(completion: StreamCompletion): Promise<void> {
    await this.#ensureInternal();
    await completeStream(this.#session, completion);
  }

  async finishLoad(load: LoadRecord): Promise<void> {
    await this.#ensureInternal();
    const table = this.#table(internalTables.loads.name);
    const values = [
      quoteString(load.loadId),
      quoteString(load.source),
      timestamp(load.startedAt),
      timestamp(load.finishedAt),
      quoteString(load.status),
      `PARSE_JSON(${quoteString(JSON.stringify(load.streams))})`,
      load.error === null ? "NULL" : quoteString(load.error),
    ];
    await this.#session.script(
      "finish_load",
      transaction([
        `DELETE FROM ${table} WHERE load_id = ${quoteString(load.loadId)}`,
        `INSERT INTO ${table} (load_id, source, started_at, finished_at, status, streams, error) VALUES (${values.join(", ")})`,
      ]),
    );
  }

  async listLoads(source?: string, limit = 50): Promise<readonly LoadRecord[]> {
    await this.#ensureInternal();
    const where = source === undefined ? "" : ` WHERE source = ${quoteString(source)}`;
    const rows = await this.#session.select(
      `SELECT * FROM ${this.#table(internalTables.loads.name)}${where} ORDER BY started_at DESC, load_id DESC LIMIT ${Math.max(1, Math.floor(limit))}`,
    );
    return rows.map(loadRecordFromRow);
  }

  async execute(sql: string): Promise<void> {
    await this.#session.ensureDataset();
    await this.#session.script("execute", sql);
  }

  async query(sql: string): Promise<readonly Record<string, unknown>[]> {
    return this.#session.select(sql);
  }

  async close(): Promise<void> {
    this.#session.close();
    this.#internalTables = undefined;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

/** A sink that loads into a BigQuery dataset through load jobs and MERGE. No I/O happens until the first call. */
export function createBigquerySink(settings: BigquerySettings): Sink {
  const { authClient, ...rest } = settings;
  const config = parseConfigOrThrow(bigqueryConfigSchema, rest, {
    pathPrefix: "sink",
    subject: "BigQuery sink settings",
  });
  return new BigquerySink(config, authClient);
}

/** The runner's registry entry for this sink (credentials from Application Default Credentials or `keyFilename`). */
export const bigquerySinkFactory: SinkFactory<typeof bigqueryConfigSchema> = {
  type: "bigquery",
  configSchema: bigqueryConfigSchema,
  create: (config) => new BigquerySink(config, undefined),
};
