import { readFile } from "node:fs/promises";
import { AuthError, ParleyError, redact } from "@parley/core";
import pg from "pg";
import type { PostgresConfig } from "./postgres-config.ts";
import { resultTypes } from "./postgres-types.ts";

/** `user@host:port/database`, for messages: never the password, never the raw url. */
export function describeServer(config: PostgresConfig): string {
  if (config.url === undefined) return `${config.user}@${config.host}:${config.port ?? 5432}/${config.database}`;
  try {
    const url = new URL(config.url.reveal());
    return `${decodeURIComponent(url.username) || "(default user)"}@${url.hostname}:${url.port || 5432}${url.pathname}`;
  } catch {
    return "the server in sink.url";
  }
}

async function poolConfig(config: PostgresConfig): Promise<pg.PoolConfig> {
  const connection: pg.PoolConfig =
    config.url === undefined
      ? { host: config.host, port: config.port ?? 5432, database: config.database, user: config.user }
      : { connectionString: config.url.reveal() };
  if (config.password !== undefined) connection.password = config.password.reveal();
  if (config.ssl !== undefined) {
    const { mode, ca } = config.ssl;
    connection.ssl =
      mode === "disable"
        ? false
        : mode === "require"
          ? { rejectUnauthorized: false }
          : { rejectUnauthorized: true, ...(ca === undefined ? {} : { ca: await readFile(ca, "utf8") }) };
  }
  if (config.statementTimeoutMs !== undefined) connection.statement_timeout = config.statementTimeoutMs;
  // Time zone UTC: timestamps print as +00 and views that cut days agree with the other sinks. The search path
  // makes `query`/`execute` (views, tests) find the sink's tables by their bare names, as in the other sinks.
  const options = `-c TimeZone=UTC -c search_path="${config.schema}",public`;
  return {
    ...connection,
    Client: closingClient(config),
    max: config.poolSize,
    types: resultTypes,
    options,
    application_name: "parley",
  };
}

/** The error for a server that asks for a password when neither the settings nor PGPASSWORD give one. */
function missingPassword(config: PostgresConfig): AuthError {
  const server = describeServer(config);
  // No colon after the word password: the log redactor would take the next word for its value.
  const message =
    config.url === undefined
      ? `sink.password is not set, and the server at ${server} asks for one (set sink.password, or the PGPASSWORD environment variable).`
      : `sink.url gives no password, and the server at ${server} asks for one (write it into sink.url as postgres://user:PASSWORD@host:port/database, percent-encoded, or set the PGPASSWORD environment variable).`;
  return new AuthError(message, { credential: config.url === undefined ? "password" : "url" });
}

/**
 * pg's client with two fixes for a login that cannot succeed. With no password, pg answers the server's request
 * with none, which for SCRAM fails inside pg ("client password must be a string") without naming a setting; a
 * password function is only called when the server asks for one. And a login that fails on the client's side
 * leaves pg's socket open until the server's authentication_timeout, while the pool drops that client without
 * ending it: the process would wait, so the socket is closed here.
 */
function closingClient(config: PostgresConfig): typeof pg.Client {
  return class ClosingClient extends pg.Client {
    constructor(options: pg.ClientConfig) {
      super(options);
      const self = this as unknown as { password: unknown };
      if (typeof self.password !== "string" || self.password === "")
        self.password = () => Promise.reject(missingPassword(config));
    }

    override connect(): Promise<pg.Client>;
    override connect(callback: (error: Error | null) => void): void;
    override connect(callback?: (error: Error | null) => void): Promise<pg.Client> | undefined {
      if (callback === undefined) {
        return super.connect().catch((error: unknown) => {
          this.connection.stream.destroy();
          throw error;
        });
      }
      super.connect((error: Error | null) => {
        if (error !== null) this.connection.stream.destroy();
        callback(error);
      });
      return undefined;
    }
  };
}

/** Turns a failure into Parley's vocabulary, with nothing secret in the message and the failing row's place in it. */
export function translateError(error: unknown, config: PostgresConfig): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  const userField = config.url === undefined ? "sink.user" : "the user in sink.url";
  const passwordField = config.url === undefined ? "sink.password" : "the password in sink.url";
  const credential = { credential: config.url === undefined ? "password" : "url", cause: error } as const;
  const serverMessage = error instanceof Error ? error.message : "";
  if (code === "28000" && /^role ".*" does not exist$/.test(serverMessage)) {
    return new AuthError(
      `PostgreSQL has no role for the login ${describeServer(config)} (28000): check ${userField}.`,
      credential,
    );
  }
  if (code === "28000") {
    return new AuthError(
      `PostgreSQL refused the login as ${describeServer(config)} (28000): check that pg_hba.conf allows this client, user and database.`,
      credential,
    );
  }
  if (code === "28P01") {
    // A server with password authentication gives the same answer for an unknown role, on purpose.
    return new AuthError(
      `PostgreSQL refused the login as ${describeServer(config)} (28P01): check ${passwordField}, and that ${userField} names an existing role.`,
      credential,
    );
  }
  if (!(error instanceof Error) || ParleyError.isParleyError(error)) return error;
  // For COPY, `where` names the table, line and column of the value PostgreSQL refused.
  const where =
    error instanceof pg.DatabaseError && error.where !== undefined ? ` (${error.where.split("\n")[0]})` : "";
  const subject =
    error instanceof pg.DatabaseError ? "PostgreSQL" : `The connection to PostgreSQL at ${describeServer(config)}`;
  if (!error.message.startsWith("PostgreSQL") && !error.message.startsWith("The connection to PostgreSQL"))
    error.message = `${subject}: ${error.message}`;
  error.message = redact(`${error.message}${where}`);
  return error;
}

const unusable = new WeakSet<pg.PoolClient>();

/**
 * A connection pool opened on first use. Each batch takes its own client for its transaction, so
 * batches never share (and interleave on) one transaction.
 */
export class PostgresSession {
  readonly #config: PostgresConfig;
  #opening: Promise<pg.Pool> | undefined;

  constructor(config: PostgresConfig) {
    this.#config = config;
  }

  #open(): Promise<pg.Pool> {
    this.#opening ??= (async () => {
      const pool = new pg.Pool(await poolConfig(this.#config));
      // An idle client dropped by the server is discarded by the pool; without a listener Node would exit.
      pool.on("error", () => undefined);
      try {
        (await pool.connect()).release();
      } catch (error) {
        await pool.end().catch(() => undefined);
        throw translateError(error, this.#config);
      }
      return pool;
    })().catch((error: unknown) => {
      this.#opening = undefined;
      throw error;
    });
    return this.#opening;
  }

  /**
   * A client of its own until `release`. A checked-out client that loses its connection (the server terminated
   * it, a failover, a network cut) emits 'error'; without a listener Node would crash the process, so the
   * error is kept and the client discarded instead, and the statement in flight fails with it.
   */
  async holdClient(): Promise<{ client: pg.PoolClient; release(broken?: Error): Promise<void> }> {
    const pool = await this.#open();
    const client = await pool.connect().catch((error: unknown) => {
      throw translateError(error, this.#config);
    });
    let lost: Error | undefined;
    const onError = (error: Error) => {
      lost = error;
    };
    client.on("error", onError);
    return {
      client,
      release: async (broken) => {
        client.off("error", onError);
        client.release(lost ?? broken);
      },
    };
  }

  /**
   * A connection outside the pool, for a session-level lock: the pool would hand it to other work, and a pool of
   * one would have none left for the batches. `lost` is the error or end that closed it, once it has.
   */
  async connectAlone(): Promise<{ client: pg.Client; lost(): Error | undefined }> {
    const { Client: _pooled, max: _max, ...options } = await poolConfig(this.#config);
    const Client = closingClient(this.#config);
    const client = new Client({ ...options, keepAlive: true });
    let lost: Error | undefined;
    client.on("error", (error: Error) => {
      lost ??= error;
    });
    client.on("end", () => {
      lost ??= new Error("the connection ended");
    });
    await client.connect().catch((error: unknown) => {
      throw translateError(error, this.#config);
    });
    return { client, lost: () => lost };
  }

  /** Runs `work` on a client of its own, returned to the pool afterwards (discarded if it broke). */
  async withClient<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const held = await this.holdClient();
    let broken: Error | undefined;
    try {
      return await work(held.client);
    } catch (error) {
      // A server-side error leaves the protocol in step; anything else (network, aborted COPY) may not.
      const usable =
        (error instanceof pg.DatabaseError || ParleyError.isParleyError(error)) && !unusable.has(held.client);
      if (!usable) broken = error instanceof Error ? error : new Error(String(error));
      throw translateError(error, this.#config);
    } finally {
      await held.release(broken);
    }
  }

  /** Runs `work` inside BEGIN/COMMIT on one client, rolling back on any error. */
  transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    return this.withClient(async (client) => {
      await client.query("BEGIN");
      try {
        const result = await work(client);
        await client.query("COMMIT");
        return result;
      } catch (error) {
        await client.query("ROLLBACK").catch(() => unusable.add(client));
        throw error;
      }
    });
  }

  async close(): Promise<void> {
    const opening = this.#opening;
    this.#opening = undefined;
    if (opening === undefined) return;
    const pool = await opening.catch(() => undefined);
    await pool?.end();
  }
}
