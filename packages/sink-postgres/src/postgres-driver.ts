import type { ColumnDefinition, LogicalType } from "@parley/core";
import {
  type DriverTransaction,
  refuseDuplicateColumns,
  type StagedRows,
  type WarehouseDriver,
} from "@parley/core/warehouse";
import type pg from "pg";
import type { PostgresConfig } from "./postgres-config.ts";
import { PostgresSession, translateError } from "./postgres-connection.ts";
import { CopyText, copyLines, copyRows, createRowEncoder } from "./postgres-copy.ts";
import { insertNewRows } from "./postgres-new-rows.ts";
import {
  normaliseNumerics,
  postgresColumnTypes,
  qualified,
  quoteIdentifier,
  samePostgresType,
} from "./postgres-types.ts";

type Row = Record<string, unknown>;

/** Serialises DDL and swaps on one schema (or table) across processes; released when the transaction ends. */
async function lockObject(client: pg.PoolClient, name: string): Promise<void> {
  await client.query("SELECT pg_advisory_xact_lock(hashtext($1))", [`parley:${name}`]);
}

/** PostgreSQL cannot store NUL in text; a visible U+FFFD beats failing the batch (as COPY does too). */
function quoteString(value: string): string {
  return `'${value.replaceAll("\0", "\uFFFD").replaceAll("'", "''")}'`;
}

function columnSql(column: ColumnDefinition, creating: boolean): string {
  // Added columns stay nullable: the rows already there have no value for them.
  const notNull = creating && column.nullable === false ? " NOT NULL" : "";
  return `${quoteIdentifier(column.name)} ${postgresColumnTypes[column.type]}${notNull}`;
}

/**
 * The PostgreSQL driver under the load protocol: a pool of connections, a transaction per batch on a client of
 * its own, COPY for bulk loads into temporary tables that vanish at commit, advisory locks.
 */
export function createPostgresDriver(config: PostgresConfig): WarehouseDriver {
  const session = new PostgresSession(config);
  const { schema } = config;
  const table = (name: string) => qualified(schema, name);
  let batches = 0;
  /** Connections holding sink locks, ended on `close` if a lock was never released. */
  const lockConnections = new Set<() => Promise<void>>();

  async function stage(
    client: pg.PoolClient,
    columns: readonly ColumnDefinition[],
    rows: StagedRows,
    label: string,
  ): Promise<string> {
    batches += 1;
    const name = `_parley_batch_${batches}`;
    const definitions = columns.map((column) => `${quoteIdentifier(column.name)} ${postgresColumnTypes[column.type]}`);
    if (rows.kind === "rows") {
      await client.query(`CREATE TEMP TABLE ${name} (${definitions.join(", ")}) ON COMMIT DROP`);
      const encode = createRowEncoder(columns);
      const names = columns.map((column) => column.name);
      await copyRows(client, name, names, new CopyText(rows.rows, encode)).catch((error: unknown) => {
        // PostgreSQL names the temporary table; the user knows the table the rows were going to.
        const where = (error as { where?: unknown }).where;
        if (typeof where === "string")
          (error as { where: string }).where = where.replace(`COPY ${name},`, `COPY ${label},`);
        throw error;
      });
      return name;
    }
    // Newline-delimited JSON: each line is one jsonb document, typed by jsonb_to_record on the way out.
    await client.query(`CREATE TEMP TABLE ${name}_documents (document jsonb) ON COMMIT DROP`);
    for (const path of rows.paths) await copyLines(client, `${name}_documents`, path);
    return `(SELECT typed.* FROM ${name}_documents, jsonb_to_record(document) AS typed(${definitions.join(", ")}))`;
  }

  async function ddl(work: (client: pg.PoolClient) => Promise<void>): Promise<void> {
    await session.transaction(async (client) => {
      await lockObject(client, schema);
      await work(client);
    });
  }

  return {
    dialect: "postgres",
    namespace: schema,
    maxIdentifierLength: 63,
    columnType: (type: LogicalType) => postgresColumnTypes[type],
    holdsType: samePostgresType,
    quoteIdentifier,
    quoteString,
    parseJson: (literal) => `CAST(${literal} AS jsonb)`,
    table,
    async describeTable(name) {
      const result = await session.withClient((client) =>
        client.query<{ name: string; type: string }>(
          `SELECT attname AS name, format_type(atttypid, atttypmod) AS type FROM pg_attribute
           WHERE attrelid = to_regclass($1) AND attnum > 0 AND NOT attisdropped ORDER BY attnum`,
          [table(name)],
        ),
      );
      return result.rows.length === 0 ? undefined : { columns: result.rows };
    },
    async listTables(prefix) {
      const result = await session.withClient((client) =>
        client.query<{ name: string }>(
          "SELECT tablename AS name FROM pg_tables WHERE schemaname = $1 AND left(tablename, length($2)) = $2",
          [schema, prefix],
        ),
      );
      return result.rows.map((row) => row.name);
    },
    async createTable(name, columns, hints) {
      const key = hints.uniqueKey === true ? (hints.primaryKey ?? []) : [];
      const keySql = key.length === 0 ? "" : `, PRIMARY KEY (${key.map(quoteIdentifier).join(", ")})`;
      const definitions = columns.map((column) => columnSql(column, true)).join(", ");
      await ddl((client) =>
        client.query(`CREATE TABLE IF NOT EXISTS ${table(name)} (${definitions}${keySql})`).then(() => undefined),
      );
    },
    async addColumns(name, columns) {
      await ddl(async (client) => {
        for (const column of columns)
          await client.query(`ALTER TABLE ${table(name)} ADD COLUMN IF NOT EXISTS ${columnSql(column, false)}`);
      });
    },
    async dropTable(name) {
      await ddl((client) => client.query(`DROP TABLE IF EXISTS ${table(name)}`).then(() => undefined));
    },
    transaction(work) {
      return session.transaction((client) => {
        const transaction: DriverTransaction = {
          run: async (sql) => {
            await client.query(sql);
          },
          stage: (columns, rows, label) => stage(client, columns, rows, label),
          query: async (sql) => normaliseNumerics(await client.query<Row>(sql)),
          lockTable: (name) => lockObject(client, `${schema}.${name}`),
          insertNewRows: (batch) => insertNewRows(client, table(batch.target.table), batch),
        };
        return work(transaction);
      });
    },
    async query(sql) {
      const result: pg.QueryResult<Row> | pg.QueryResult<Row>[] = await session.withClient((client) =>
        client.query<Row>(sql),
      );
      // Several statements give one result each; the last one is the answer.
      const answer: pg.QueryResult<Row> | undefined = Array.isArray(result) ? result.at(-1) : result;
      refuseDuplicateColumns((answer?.fields ?? []).map((field) => field.name));
      return answer === undefined ? [] : normaliseNumerics(answer);
    },
    async tryLock(name) {
      const key = quoteString(`parley-sink:${name}`);
      const connection = await session.connectAlone();
      const end = async () => {
        lockConnections.delete(end);
        await connection.client.end().catch(() => undefined);
      };
      lockConnections.add(end);
      const result = await connection.client
        .query<{ locked: boolean; pid: number }>(
          `SELECT pg_try_advisory_lock(hashtext(${key})) AS locked, pg_backend_pid() AS pid`,
        )
        .catch(async (error: unknown) => {
          await end();
          throw translateError(error, config);
        });
      const taken = result.rows[0];
      if (taken?.locked !== true) {
        await end();
        return { heldBy: undefined };
      }
      // A session-level lock: it lasts while this connection lives, so a process that dies releases it.
      return {
        release: async () => {
          await connection.client.query(`SELECT pg_advisory_unlock(hashtext(${key}))`).catch(() => undefined);
          await end();
        },
        async assertHeld(transaction) {
          const lost = connection.lost();
          if (lost !== undefined) throw new Error(`its PostgreSQL connection ended: ${lost.message}`);
          // Asked inside the writing transaction: a connection dropped without a word is caught before commit.
          const held = await transaction.query?.(
            `SELECT 1 AS held FROM pg_locks WHERE locktype = 'advisory' AND granted AND pid = ${taken.pid}
             AND objsubid = 1 AND objid::bigint = (hashtext(${key})::bigint & 4294967295)`,
          );
          if (held?.length !== 1) throw new Error(`PostgreSQL no longer shows it held by backend ${taken.pid}`);
        },
      };
    },
    async ensureNamespace() {
      await ddl(async (client) => {
        const found = await client.query("SELECT 1 FROM pg_namespace WHERE nspname = $1", [schema]);
        if (found.rowCount === 0) await client.query(`CREATE SCHEMA ${quoteIdentifier(schema)}`);
      });
    },
    async close() {
      for (const end of [...lockConnections]) await end();
      await session.close();
    },
  };
}
