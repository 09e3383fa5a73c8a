/**
 * The PostgreSQL server of this test run: PARLEY_TEST_POSTGRES_URL, set by the caller or by the global setup
 * (test/support/postgres-server.ts), which starts a server of its own when it is not set.
 */
export function testPostgresUrl(): string {
  const url = process.env.PARLEY_TEST_POSTGRES_URL;
  if (url === undefined || url === "") {
    throw new Error(
      "PARLEY_TEST_POSTGRES_URL is not set: run the tests from the repository root (pnpm test), whose global setup starts PostgreSQL",
    );
  }
  return url;
}
