import { startEmbeddedPostgres } from "../../scripts/embedded-postgres.ts";

/**
 * Vitest global setup: every PostgreSQL test talks to the server at PARLEY_TEST_POSTGRES_URL.
 * When it is not set, a real PostgreSQL server (the binaries of the embedded-postgres package) is started in a
 * temporary folder for this test run and stopped after it, so a fresh machine needs no system service.
 */
export default async function startTestPostgres(): Promise<(() => Promise<void>) | undefined> {
  const given = process.env.PARLEY_TEST_POSTGRES_URL;
  if (given !== undefined && given !== "") return undefined;
  const server = await startEmbeddedPostgres({
    database: "test",
    password: "parley-test",
    settings: { max_connections: "300", fsync: "off" },
    onError: (message) => {
      if (process.env.PARLEY_TEST_POSTGRES_LOG === "1") console.error(message);
    },
  });
  process.env.PARLEY_TEST_POSTGRES_URL = server.url;
  return () => server.stop();
}
