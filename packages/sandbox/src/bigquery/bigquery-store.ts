import { join } from "node:path";
import { type DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import { BigqueryApiError, duplicate, notFound } from "./bigquery-errors.ts";
import { duckdbColumnType, type FieldSchema, type TimePartitioning } from "./bigquery-schema.ts";

export interface DatasetEntry {
  projectId: string;
  datasetId: string;
  location: string;
  creationTime: number;
  defaultKmsKeyName?: string;
  description?: string;
  labels?: Record<string, string>;
}

export interface TableEntry {
  projectId: string;
  datasetId: string;
  tableId: string;
  type: "TABLE" | "VIEW";
  schema: FieldSchema[];
  timePartitioning?: TimePartitioning;
  clustering?: string[];
  kmsKeyName?: string;
  expirationTime?: number;
  description?: string;
  labels?: Record<string, string>;
  creationTime: number;
  lastModifiedTime: number;
}

export function quoteName(...parts: string[]): string {
  return parts.map((part) => `"${part.replaceAll('"', '""')}"`).join(".");
}

export function tableKey(projectId: string, datasetId: string, tableId: string): string {
  return `${projectId}:${datasetId}.${tableId}`;
}

function columnSql(field: FieldSchema): string {
  return `${quoteName(field.name)} ${duckdbColumnType(field)}${field.mode === "REQUIRED" ? " NOT NULL" : ""}`;
}

/**
 * Datasets and tables: metadata here, rows in DuckDB (one attached catalog per project, one schema per dataset, so
 * `project.dataset.table` maps onto DuckDB's `catalog.schema.table`). All DuckDB work runs one operation at a time,
 * because a connection has a single transaction and a script's BEGIN/COMMIT must not interleave with another job.
 */
export class BigqueryStore {
  readonly datasets = new Map<string, DatasetEntry>();
  readonly tables = new Map<string, TableEntry>();
  readonly #directory: string | undefined;
  readonly #catalogs = new Set<string>();
  #connection: Promise<{ instance: DuckDBInstance; connection: DuckDBConnection }> | undefined;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(directory: string | undefined) {
    this.#directory = directory;
  }

  exclusive<T>(work: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
    this.#connection ??= (async () => {
      const instance = await DuckDBInstance.create(":memory:");
      const connection = await instance.connect();
      await connection.run("SET TimeZone = 'UTC'");
      return { instance, connection };
    })();
    const next = this.#queue.then(async () =>
      work((await (this.#connection as Promise<{ connection: DuckDBConnection }>)).connection),
    );
    this.#queue = next.catch(() => undefined);
    return next;
  }

  async ensureCatalog(connection: DuckDBConnection, projectId: string): Promise<void> {
    if (this.#catalogs.has(projectId)) return;
    const path =
      this.#directory === undefined ? ":memory:" : join(this.#directory, `${encodeURIComponent(projectId)}.duckdb`);
    await connection.run(`ATTACH '${path.replaceAll("'", "''")}' AS ${quoteName(projectId)}`);
    this.#catalogs.add(projectId);
  }

  dataset(projectId: string, datasetId: string): DatasetEntry {
    const entry = this.datasets.get(`${projectId}:${datasetId}`);
    if (entry === undefined) throw notFound(`Dataset ${projectId}:${datasetId}`);
    return entry;
  }

  async createDataset(entry: DatasetEntry): Promise<void> {
    const key = `${entry.projectId}:${entry.datasetId}`;
    if (this.datasets.has(key)) throw duplicate(`Dataset ${key}`);
    await this.exclusive(async (connection) => {
      await this.ensureCatalog(connection, entry.projectId);
      await connection.run(`CREATE SCHEMA IF NOT EXISTS ${quoteName(entry.projectId, entry.datasetId)}`);
    });
    this.datasets.set(key, entry);
  }

  async deleteDataset(projectId: string, datasetId: string, deleteContents: boolean): Promise<void> {
    this.dataset(projectId, datasetId);
    const contained = [...this.tables.values()].filter(
      (table) => table.projectId === projectId && table.datasetId === datasetId,
    );
    if (contained.length > 0 && !deleteContents) {
      throw new BigqueryApiError(
        400,
        "invalid",
        `Dataset ${projectId}:${datasetId} is still in use. Pass deleteContents=true to delete it with its tables.`,
      );
    }
    await this.exclusive((connection) =>
      connection.run(`DROP SCHEMA IF EXISTS ${quoteName(projectId, datasetId)} CASCADE`),
    );
    for (const table of contained) this.tables.delete(tableKey(projectId, datasetId, table.tableId));
    this.datasets.delete(`${projectId}:${datasetId}`);
  }

  /** The table, or undefined; an expired table is dropped first, as BigQuery deletes it at its expiration time. */
  async findTable(projectId: string, datasetId: string, tableId: string): Promise<TableEntry | undefined> {
    const entry = this.tables.get(tableKey(projectId, datasetId, tableId));
    if (entry?.expirationTime !== undefined && entry.expirationTime <= Date.now()) {
      await this.deleteTable(projectId, datasetId, tableId);
      return undefined;
    }
    return entry;
  }

  async table(projectId: string, datasetId: string, tableId: string): Promise<TableEntry> {
    this.dataset(projectId, datasetId);
    const entry = await this.findTable(projectId, datasetId, tableId);
    if (entry === undefined) throw notFound(`Table ${tableKey(projectId, datasetId, tableId)}`);
    return entry;
  }

  /** Creates the DuckDB table; call inside `exclusive` (load jobs create tables within their transaction). */
  async createTableWith(connection: DuckDBConnection, entry: TableEntry): Promise<void> {
    const key = tableKey(entry.projectId, entry.datasetId, entry.tableId);
    if (this.tables.has(key)) throw duplicate(`Table ${key}`);
    await connection.run(
      `CREATE TABLE ${quoteName(entry.projectId, entry.datasetId, entry.tableId)} (${entry.schema.map(columnSql).join(", ")})`,
    );
    this.tables.set(key, entry);
  }

  async createTable(entry: TableEntry): Promise<void> {
    await this.exclusive((connection) => this.createTableWith(connection, entry));
  }

  async addColumns(connection: DuckDBConnection, entry: TableEntry, added: readonly FieldSchema[]): Promise<void> {
    for (const field of added) {
      await connection.run(
        `ALTER TABLE ${quoteName(entry.projectId, entry.datasetId, entry.tableId)} ADD COLUMN ${columnSql({ ...field, mode: "NULLABLE" })}`,
      );
      entry.schema.push({ ...field, mode: "NULLABLE" });
    }
    entry.lastModifiedTime = Date.now();
  }

  async deleteTable(projectId: string, datasetId: string, tableId: string): Promise<void> {
    const key = tableKey(projectId, datasetId, tableId);
    const entry = this.tables.get(key);
    if (entry === undefined) throw notFound(`Table ${key}`);
    await this.exclusive((connection) =>
      connection.run(
        `DROP ${entry.type === "VIEW" ? "VIEW" : "TABLE"} IF EXISTS ${quoteName(projectId, datasetId, tableId)}`,
      ),
    );
    this.tables.delete(key);
  }

  async rowCount(entry: TableEntry): Promise<number> {
    if (entry.type === "VIEW") return 0;
    return this.exclusive(async (connection) => {
      const reader = await connection.runAndReadAll(
        `SELECT COUNT(*) FROM ${quoteName(entry.projectId, entry.datasetId, entry.tableId)}`,
      );
      return Number(reader.getRows()[0]?.[0] ?? 0);
    });
  }

  async close(): Promise<void> {
    const opening = this.#connection;
    this.#connection = undefined;
    if (opening === undefined) return;
    await this.#queue;
    const { instance, connection } = await opening;
    connection.closeSync();
    instance.closeSync();
  }
}
