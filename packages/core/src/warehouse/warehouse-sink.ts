import type { RawRecordPart } from "../mapping/record-mapping.ts";
import { lineageColumns } from "../schema/logical-type.ts";
import type { TableTarget } from "../schema/stream-definition.ts";
import { loadRecordFromRow, storedStateFromRow } from "../sink/internal-rows.ts";
import { internalTables } from "../sink/internal-tables.ts";
import type {
  LoadRecord,
  RejectedRecord,
  Sink,
  SinkLock,
  StreamCompletion,
  WriteBatch,
  WriteOutcome,
} from "../sink/sink.ts";
import type { JsonValue } from "../state/json-value.ts";
import type { StateUpdate, StoredState } from "../state/stored-state.ts";
import type { DriverTransaction, MappedRawRecords, WarehouseDriver } from "./warehouse-driver.ts";
import {
  insertRejects,
  loadStatements,
  resetStateStatement,
  selectLoads,
  selectState,
  stateStatements,
} from "./warehouse-ledger.ts";
import { type HeldSinkLock, takeSinkLock } from "./warehouse-lock.ts";
import {
  checkTargetNames,
  loadTag,
  replaceStagingPrefix,
  replaceStagingTable,
  sequenceColumn,
  stagingTableTag,
} from "./warehouse-names.ts";
import { ensureTable } from "./warehouse-schema.ts";
import { applyMappedRows, applyRows, fingerprint, fingerprintQuery, swapStatements } from "./warehouse-writes.ts";

export interface WarehouseSinkOptions {
  /** The sink id, e.g. `postgres`. */
  readonly type: string;
  readonly driver: WarehouseDriver;
}

/** A replace stream's staging, per load and table: where rows wait, how many, and what the table held before. */
interface Staging {
  readonly table: string;
  rows: number;
  readonly before: string;
}

/**
 * The load protocol, written once over a warehouse driver: Parley's own tables, state with its data in one
 * transaction, rejects, per-load replace staging and a swap that refuses a table changed under it, schema
 * evolution and identifier rules. Each warehouse sink is this plus its driver.
 */
class WarehouseSink implements Sink {
  readonly apiVersion = 1;
  readonly type: string;
  readonly dialect: WarehouseDriver["dialect"];
  readonly rawRecords: boolean;
  readonly #driver: WarehouseDriver;
  readonly #staging = new Map<string, Staging>();
  /** Locks this sink holds; each transaction that writes data or state checks them before it commits. */
  readonly #locks = new Set<HeldSinkLock>();
  /** Each running load's latest write: a bulk batch prepares while it runs, then applies after it. */
  readonly #lastWrite = new Map<string, Promise<unknown>>();
  #ready: Promise<void> | undefined;

  constructor(options: WarehouseSinkOptions) {
    this.type = options.type;
    this.#driver = options.driver;
    this.dialect = options.driver.dialect;
    this.rawRecords = options.driver.mapRawRecords !== undefined;
  }

  get batchRowMultiple(): number | undefined {
    return this.#driver.batchRowMultiple;
  }

  get maxIdentifierLength(): number {
    return this.#driver.maxIdentifierLength;
  }

  /** Creates the schema and Parley's own tables once per sink; tried again on the next call if it failed. */
  #internal(): Promise<void> {
    this.#ready ??= (async () => {
      await this.#driver.ensureNamespace();
      for (const table of Object.values(internalTables))
        await ensureTable(this.#driver, table.name, table.columns, { primaryKey: table.primaryKey, uniqueKey: true });
    })().catch((error: unknown) => {
      this.#ready = undefined;
      throw error;
    });
    return this.#ready;
  }

  async prepare(targets: readonly TableTarget[]): Promise<void> {
    for (const target of targets) checkTargetNames(target, this.#driver.maxIdentifierLength);
    await this.#internal();
    for (const target of targets) {
      await ensureTable(this.#driver, target.table, [...target.stream.columns, ...lineageColumns], {
        primaryKey: target.stream.primaryKey ?? [],
        uniqueKey: target.stream.writeDisposition !== "append",
        ...(target.stream.eventTimeColumn === undefined ? {} : { eventTimeColumn: target.stream.eventTimeColumn }),
      });
    }
    await this.#dropDeadStaging();
  }

  /** Staging tables of loads that are no longer running (finished, or never recorded) hold nothing anyone needs. */
  async #dropDeadStaging(): Promise<void> {
    const tables = (await this.#driver.listTables?.(replaceStagingPrefix)) ?? [];
    if (tables.length === 0) return;
    const running = await this.#driver.query(selectLoads(this.#driver, { status: "running" }));
    const live = new Set([
      ...running.map((row) => loadTag(String(row.load_id))),
      ...[...this.#staging.keys()].map((key) => loadTag(key.split("\n")[0] as string)),
    ]);
    for (const table of tables) {
      const tag = stagingTableTag(table);
      if (tag !== undefined && !live.has(tag)) await this.#driver.dropTable(table);
    }
  }

  async #stagingFor(batch: WriteBatch): Promise<Staging> {
    const key = `${batch.loadId}\n${batch.target.table}`;
    const known = this.#staging.get(key);
    if (known !== undefined) return known;
    const table = replaceStagingTable(batch.target.table, batch.loadId, this.#driver.maxIdentifierLength);
    const before = fingerprint(await this.#driver.query(fingerprintQuery(this.#driver, batch.target.table)));
    // A float: a bulk batch places rows its driver mapped apart between the others (`positionColumn`).
    const columns = [
      { name: sequenceColumn, type: "float" } as const,
      ...batch.target.stream.columns,
      ...lineageColumns,
    ];
    await ensureTable(this.#driver, table, columns, { temporary: true });
    const staging: Staging = { table, rows: 0, before };
    this.#staging.set(key, staging);
    return staging;
  }

  writeBatch(batch: WriteBatch): Promise<WriteOutcome | undefined> {
    const previous = this.#lastWrite.get(batch.loadId) ?? Promise.resolve();
    const { raw, ...rest } = batch;
    const write = raw !== undefined && raw.length > 0 ? this.#writeRaw(rest, raw, previous) : this.#writeRows(batch);
    this.#lastWrite.set(batch.loadId, write);
    return write;
  }

  async #writeRows(batch: WriteBatch): Promise<undefined> {
    await this.#internal();
    const replace = batch.target.stream.writeDisposition === "replace";
    const staging = replace && batch.rows.length > 0 ? await this.#stagingFor(batch) : undefined;
    await this.#writeTransaction(batch, batch.rejects, async (transaction) => {
      if (batch.rows.length > 0) {
        await applyRows(this.#driver, transaction, {
          target: batch.target,
          rows: batch.rows,
          loadId: batch.loadId,
          loadedAt: batch.loadedAt,
          ...(staging === undefined ? {} : { staging: { table: staging.table, firstSequence: staging.rows } }),
        });
      }
    });
    if (staging !== undefined) staging.rows += batch.rows.length;
    return undefined;
  }

  /**
   * The bulk path: the driver maps the raw records in the warehouse; they then apply like rows, in one transaction.
   * The driver may prepare them while the previous write runs; nothing is applied before that write succeeded.
   */
  async #writeRaw(
    batch: Omit<WriteBatch, "raw">,
    parts: readonly RawRecordPart[],
    previous: Promise<unknown>,
  ): Promise<WriteOutcome> {
    await this.#internal();
    const stream = batch.target.stream;
    const mapping = stream.mapping;
    const mapRaw = this.#driver.mapRawRecords?.bind(this.#driver);
    if (mapping === undefined || mapRaw === undefined)
      throw new Error(`raw records for ${batch.target.table}, which this sink cannot map (a Parley bug)`);
    const count = parts.reduce((sum, part) => sum + part.records.count, 0);
    let mapped = await mapRaw({ ...stream, mapping }, parts, previous);
    // The driver has staged the bytes; dropped here, they are not held in memory while the batch loads.
    parts = [];
    const replace = stream.writeDisposition === "replace";
    const staging = replace ? await this.#stagingFor(batch).catch(releasing(mapped)) : undefined;
    try {
      try {
        await this.#applyMapped(batch, mapped, staging);
      } catch (error) {
        const fallback = mapped.fallback;
        if (fallback === undefined) throw error;
        mapped = await fallback(error);
        await this.#applyMapped(batch, mapped, staging);
      }
    } finally {
      await mapped.release();
    }
    if (staging !== undefined) staging.rows += count;
    return { rejected: mapped.rejects.length, mappedInJavaScript: mapped.mappedInJavaScript };
  }

  /** A bulk batch's rows, rejects and state, in one transaction. */
  async #applyMapped(batch: WriteBatch, mapped: MappedRawRecords, staging: Staging | undefined): Promise<void> {
    await this.#writeTransaction(batch, [...batch.rejects, ...mapped.rejects], async (transaction) => {
      await applyMappedRows(this.#driver, transaction, {
        target: batch.target,
        relation: mapped.relation,
        ...(mapped.uniqueKeys === undefined ? {} : { uniqueKeys: mapped.uniqueKeys }),
        loadId: batch.loadId,
        loadedAt: batch.loadedAt,
        ...(staging === undefined ? {} : { staging: { table: staging.table, firstSequence: staging.rows } }),
      });
    });
  }

  async completeStream(completion: StreamCompletion): Promise<void> {
    const replace = completion.target.stream.writeDisposition === "replace";
    if (!replace && completion.state === undefined) return;
    await this.#internal();
    const key = `${completion.loadId}\n${completion.target.table}`;
    const staging = replace ? this.#staging.get(key) : undefined;
    const table = completion.target.table;
    const check = async (query: (sql: string) => Promise<readonly Record<string, unknown>[]>) => {
      if (staging === undefined) return;
      const now = fingerprint(await query(fingerprintQuery(this.#driver, table)));
      if (now !== staging.before)
        throw new Error(
          `Table ${this.#driver.namespace}.${table} changed while load ${completion.loadId} was staging its replacement (it held ${staging.before}, now ${now}): another run wrote it at the same time. Nothing was swapped and no state stored; run again, one run per sink and source at a time.`,
        );
    };
    await this.#writeTransaction(completion, [], async (transaction) => {
      if (!replace) return;
      await transaction.lockTable?.(table);
      await check(transaction.query ?? ((sql) => this.#driver.query(sql)));
      for (const statement of swapStatements(this.#driver, completion.target, staging?.table))
        await transaction.run(statement);
    });
    if (staging !== undefined) {
      this.#staging.delete(key);
      await this.#driver.dropTable(staging.table);
    }
  }

  async readState(source: string): Promise<readonly StoredState[]> {
    await this.#internal();
    return (await this.#driver.query(selectState(this.#driver, source))).map(storedStateFromRow);
  }

  async resetState(source: string, streams?: readonly string[]): Promise<number> {
    const stored = await this.readState(source);
    const removed = stored.filter((entry) => streams === undefined || streams.includes(entry.stream)).length;
    await this.#driver.transaction((transaction) =>
      transaction.run(resetStateStatement(this.#driver, source, streams)),
    );
    return removed;
  }

  async startLoad(load: {
    readonly loadId: string;
    readonly source: string;
    readonly startedAt: string;
    readonly metadata?: JsonValue;
  }): Promise<void> {
    const { metadata, ...rest } = load;
    await this.#writeLoad({
      ...rest,
      finishedAt: null,
      status: "running",
      streams: [],
      error: null,
      ...(metadata === undefined ? {} : { metadata }),
    });
  }

  async finishLoad(load: LoadRecord): Promise<void> {
    this.#lastWrite.delete(load.loadId);
    await this.#writeLoad(load);
    // A load that ended without swapping (failed, interrupted) leaves nothing staged behind.
    for (const [key, staging] of this.#staging) {
      if (!key.startsWith(`${load.loadId}\n`)) continue;
      this.#staging.delete(key);
      await this.#driver.dropTable(staging.table);
    }
  }

  async #writeLoad(load: LoadRecord): Promise<void> {
    await this.#internal();
    await this.#driver.transaction(async (transaction) => {
      for (const statement of loadStatements(this.#driver, load)) await transaction.run(statement);
    });
  }

  async listLoads(source?: string, limit = 50): Promise<readonly LoadRecord[]> {
    await this.#internal();
    return (await this.#driver.query(selectLoads(this.#driver, { source, limit }))).map(loadRecordFromRow);
  }

  async lock(load: {
    readonly source: string;
    readonly loadId: string;
    readonly startedAt: string;
  }): Promise<SinkLock> {
    const held = await takeSinkLock(this.#driver, this.type, load, {
      running: (source) => this.#runningLoads(source),
      write: (record) => this.#writeLoad(record),
      ready: () => this.#internal(),
    });
    this.#locks.add(held);
    return {
      abandoned: held.abandoned,
      release: async () => {
        this.#locks.delete(held);
        await held.release();
      },
    };
  }

  /**
   * A transaction that writes data or state: `work`, then the rejects and the state that go with it, and, last, a
   * check that the sink's locks are still held, so a write that lost its lock does not commit.
   */
  async #writeTransaction(
    load: { readonly loadId: string; readonly source: string; readonly state?: StateUpdate | undefined },
    rejects: readonly RejectedRecord[],
    work: (transaction: DriverTransaction) => Promise<void>,
  ): Promise<void> {
    const now = new Date().toISOString();
    await this.#driver.transaction(async (transaction) => {
      await work(transaction);
      if (rejects.length > 0)
        await insertRejects(this.#driver, transaction, { source: load.source, loadId: load.loadId, rejects, now });
      if (load.state !== undefined)
        for (const statement of stateStatements(this.#driver, load.state, load.loadId, now))
          await transaction.run(statement);
      for (const lock of this.#locks) await lock.assertHeld(transaction);
    });
  }

  async #runningLoads(source: string): Promise<readonly LoadRecord[]> {
    return (await this.#driver.query(selectLoads(this.#driver, { source, status: "running" }))).map(loadRecordFromRow);
  }

  async execute(sql: string): Promise<void> {
    await this.#driver.ensureNamespace();
    await this.#driver.query(sql);
  }

  async executeWithState(statements: readonly string[], state: StateUpdate, loadId: string): Promise<void> {
    await this.#internal();
    await this.#writeTransaction({ loadId, source: state.source, state }, [], async (transaction) => {
      for (const statement of statements) await transaction.run(statement);
    });
  }

  query(sql: string): Promise<readonly Record<string, unknown>[]> {
    return this.#driver.query(sql);
  }

  async close(): Promise<void> {
    this.#ready = undefined;
    await this.#driver.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

/** Releases mapped raw records when what follows their mapping fails, then fails the same way. */
function releasing(mapped: { release(): Promise<void> }) {
  return async (error: unknown): Promise<never> => {
    await mapped.release().catch(() => undefined);
    throw error;
  };
}

/** A sink for a warehouse: the load protocol over the warehouse's driver. */
export function createWarehouseSink(options: WarehouseSinkOptions): Sink {
  return new WarehouseSink(options);
}
