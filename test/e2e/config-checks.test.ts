import { afterEach, describe, expect, test } from "vitest";
import { parley, workspace } from "../support/cli-harness.ts";
import { freshPostgresSchema, postgresUrl } from "../support/postgres-schema.ts";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

const ultimate = {
  type: "ultimate",
  organizationId: "77m57af6811115b53172431s",
  botIds: ["98174e8d635471c383b9ec7b"],
  token: "a-token",
  baseUrl: "http://127.0.0.1:9",
  startDate: "2024-06-01",
};

/** The sinks under test and the longest name each one holds (PostgreSQL 63, DuckDB 255). */
const sinks = {
  DuckDB: { sink: (directory: string) => ({ type: "duckdb", path: `${directory}/parley.duckdb` }), limit: 255 },
  PostgreSQL: {
    sink: () => {
      const schema = freshPostgresSchema("parley_checks");
      cleanups.push(schema.drop);
      return { type: "postgres", url: postgresUrl, schema: schema.schema };
    },
    limit: 63,
  },
};

async function check(config: unknown, ...flags: string[]) {
  const space = await workspace();
  cleanups.push(space.cleanup);
  const document = typeof config === "function" ? config(space.directory) : config;
  return parley(["check", "-c", await space.writeConfig(document), ...flags]);
}

describe.each(Object.entries(sinks))("#10 parley check on %s", (_name, { sink, limit }) => {
  test("a tablePrefix that makes a table name too long for the warehouse is refused naming sources.X.tablePrefix", async () => {
    const tablePrefix = "p".repeat(limit - "_conversations".length + 1);
    const run = await check((directory: string) => ({
      sink: sink(directory),
      sources: { support_bot: { type: "ultimate", files: "no-such-export-*.json", tablePrefix } },
    }));
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      `sources.support_bot.tablePrefix: table ${tablePrefix}_conversations would be ${limit + 1} characters long, this warehouse allows at most ${limit}; use a shorter tablePrefix`,
    );
    const fits = await check((directory: string) => ({
      sink: sink(directory),
      sources: { support_bot: { type: "ultimate", files: "no-such-export-*.json", tablePrefix: tablePrefix.slice(1) } },
    }));
    expect(fits.stderr).not.toContain("tablePrefix");
    expect(fits.stdout).toContain("matches no file");
  });

  test("bot ids and an organization id that cannot be Ultimate's, and a hostile source name, are refused by the schema", async () => {
    const ids = await check((directory: string) => ({
      sink: sink(directory),
      sources: { support_bot: { ...ultimate, organizationId: "x", botIds: ["98174e8d635471c383b9ec7b", "abc"] } },
    }));
    expect(ids.code).toBe(2);
    expect(ids.stderr).toContain("sources.support_bot.botIds[1]: must be a hex bot id");
    expect(ids.stderr).toContain("sources.support_bot.organizationId: must be the 24-character organization id");
    const run = await check((directory: string) => ({
      sink: sink(directory),
      sources: { "x; DROP TABLE y": { ...ultimate } },
    }));
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('sources["x; DROP TABLE y"]: source names must be plain identifiers');
    expect(run.stderr).not.toContain("Invalid key in record");
  });
});

describe("#10 a PostgreSQL that is down", () => {
  test("is reported naming PostgreSQL, and as JSON lines under --log-format json", async () => {
    const config = {
      sink: { type: "postgres", url: "postgres://parley@127.0.0.1:9/none" },
      sources: { support_bot: { type: "ultimate", files: "no-such-export-*.json" } },
    };
    const text = await check(config);
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(
      /sink postgres: FAILED: The connection to PostgreSQL at parley@127\.0\.0\.1:9\/none: connect ECONNREFUSED/,
    );
    const json = await check(config, "--log-format", "json");
    expect(json.code).toBe(1);
    const lines = `${json.stdout}${json.stderr}`.split("\n").filter((line) => line !== "");
    const parsed = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(parsed).toContainEqual(
      expect.objectContaining({
        check: "sink postgres",
        status: "failed",
        message: expect.stringMatching(/PostgreSQL/),
      }),
    );
    const sync = await parley([
      "sync",
      "-c",
      await (async () => {
        const space = await workspace();
        cleanups.push(space.cleanup);
        return space.writeConfig(config);
      })(),
      "--log-format",
      "json",
    ]);
    expect(sync.code).toBe(1);
    for (const line of sync.stderr.split("\n").filter((entry) => entry !== ""))
      expect(() => JSON.parse(line)).not.toThrow();
    expect(sync.stderr).toMatch(/PostgreSQL/);
  });
});
