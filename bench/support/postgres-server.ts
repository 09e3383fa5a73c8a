import { startEmbeddedPostgres } from "../../scripts/embedded-postgres.ts";

/**
 * The PostgreSQL server for the PostgreSQL bench: PARLEY_BENCH_POSTGRES_URL or PARLEY_TEST_POSTGRES_URL when set,
 * else a real server from the embedded-postgres package's binaries, started in a temporary folder and stopped after.
 */
export async function benchPostgres(): Promise<{ readonly url: string; stop(): Promise<void> }> {
  const given = process.env.PARLEY_BENCH_POSTGRES_URL || process.env.PARLEY_TEST_POSTGRES_URL;
  if (given !== undefined && given !== "") return { url: given, stop: async () => undefined };
  return startEmbeddedPostgres({ database: "bench", password: "parley-bench" });
}
