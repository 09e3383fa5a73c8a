import { cp, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Registry } from "@parley/runner";
import { createBigqueryEmulator } from "@parley/sandbox/bigquery";
import { type BigquerySettings, bigquerySinkFactory, createBigquerySink } from "@parley/sink-bigquery";
import { OAuth2Client } from "google-auth-library";
import { afterEach, describe, expect, test } from "vitest";
import { parley, queryDuckdb, testRegistry, workspace } from "../support/cli-harness.ts";
import { freshPostgresSchema, postgresUrl } from "../support/postgres-schema.ts";
import { runCliWith } from "../support/view-parity.ts";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

const repositorySql = join(import.meta.dirname, "..", "..", "sql");

/** One export line per conversation, written as JSON text so escapes such as a lone `\ud83d` reach the parser. */
function conversation(id: string, fields: string): string {
  return `{"bot_id":"98174e8d635471c383b9ec7b","conversation_id":"${id}","conversation_end_time":"2024-05-03T08:10:25.744+00:00",${fields}}`;
}

const intents =
  '"triggered_intent_replies":[{"intent_timestamp":"2024-05-03T08:10:02.991+00:00","intent_id":"i1","intent_name":"Greeting","not_meaningful":false}]';

const plain = conversation("c-plain", `"bot_name":"plain",${intents}`);

interface SinkUnderTest {
  readonly sink: Record<string, unknown>;
  query(sql: string): Promise<readonly Record<string, unknown>[]>;
  /** The CLI to run, when the sink needs a registry of its own (BigQuery with the emulator's static token). */
  readonly cli?: (argv: readonly string[]) => Promise<{ code: number; stdout: string; stderr: string }>;
}

async function duckdb(directory: string): Promise<SinkUnderTest> {
  const path = join(directory, "parley.duckdb");
  return { sink: { type: "duckdb", path }, query: (sql) => queryDuckdb(path, sql) };
}

async function postgres(): Promise<SinkUnderTest> {
  const schema = freshPostgresSchema("parley_hostile");
  cleanups.push(schema.drop);
  return {
    sink: { type: "postgres", url: postgresUrl, schema: schema.schema },
    query: (sql) => schema.sink.query(sql),
  };
}

const bigqueryToken = "hostile-records-token";
let bigqueryDatasets = 0;

/** BigQuery through its emulator: the sink signs in with a static token, so the CLI gets a registry entry for it. */
async function bigquery(): Promise<SinkUnderTest> {
  const emulator = await createBigqueryEmulator({ tokens: [bigqueryToken] });
  cleanups.push(() => emulator.close());
  const authClient = new OAuth2Client();
  authClient.setCredentials({ access_token: bigqueryToken });
  const sink = {
    type: "bigquery",
    projectId: "parley-hostile",
    dataset: `hostile_${++bigqueryDatasets}`,
    apiEndpoint: emulator.url,
  };
  const registry: Registry = {
    ...testRegistry,
    sinks: {
      ...testRegistry.sinks,
      bigquery: {
        ...bigquerySinkFactory,
        create: (config) => createBigquerySink({ ...(config as BigquerySettings), authClient }),
      },
    },
  };
  return {
    sink,
    cli: (argv) => runCliWith(registry, argv),
    async query(sql) {
      const reader = createBigquerySink({
        projectId: sink.projectId,
        dataset: sink.dataset,
        apiEndpoint: emulator.url,
        authClient,
      });
      try {
        return await reader.query(sql);
      } finally {
        await reader.close();
      }
    },
  };
}

async function syncLines(lines: readonly string[], sinkUnderTest: (directory: string) => Promise<SinkUnderTest>) {
  const space = await workspace();
  cleanups.push(space.cleanup);
  const file = join(space.directory, "conversation_98174e8d635471c383b9ec7b_20240503_000000000000.json");
  await writeFile(file, `${lines.join("\n")}\n`);
  const target = await sinkUnderTest(space.directory);
  const config = await space.writeConfig({
    sink: target.sink,
    sources: { support: { type: "ultimate", files: file } },
  });
  const run = await (target.cli ?? parley)(["sync", "-c", config]);
  expect(run.stderr).not.toMatch(/error/i);
  expect(run.code, run.stdout).toBe(0);
  return { ...target, run, config, directory: space.directory };
}

const storedRows =
  "SELECT conversation_id, bot_name, conversations_data FROM ultimate_conversations ORDER BY conversation_id";
const rejectReasons = "SELECT reason, payload FROM _parley_rejects ORDER BY reason";

async function surrogateCase(sinkUnderTest: (directory: string) => Promise<SinkUnderTest>): Promise<void> {
  const sync = await syncLines(
    [plain, conversation("c-surrogate", `"bot_name":"cut \\ud83d","conversations_data":{"note":"also \\udc00 here"}`)],
    sinkUnderTest,
  );
  expect(sync.run.stdout).toMatch(/support\/conversations\s+ultimate_conversations\s+2\s+0/);
  expect(await sync.query(storedRows)).toEqual([
    { conversation_id: "c-plain", bot_name: "plain", conversations_data: null },
    { conversation_id: "c-surrogate", bot_name: "cut \ufffd", conversations_data: { note: "also \ufffd here" } },
  ]);
}

async function deepCase(sinkUnderTest: (directory: string) => Promise<SinkUnderTest>): Promise<void> {
  const sync = await syncLines(
    [plain, conversation("c-deep", `"conversations_data":${'{"a":'.repeat(5000)}1${"}".repeat(5000)}`)],
    sinkUnderTest,
  );
  expect(sync.run.stdout).toMatch(/support\/conversations\s+ultimate_conversations\s+1\s+1/);
  const rejects = await sync.query(rejectReasons);
  expect(rejects.map((reject) => reject.reason)).toEqual([
    'column "conversations_data": nested deeper than 100 levels',
  ]);
  expect(String(rejects[0]?.payload)).toContain('"conversation_id":"c-deep"');
}

async function nulCase(sinkUnderTest: (directory: string) => Promise<SinkUnderTest>): Promise<void> {
  const sync = await syncLines(
    [
      plain,
      conversation("c-nul-key", `"bot_name":"nul","conversations_data":{"a\\u0000b":"x\\u0000y"}`),
      conversation("c\\u0000id", `"bot_name":"nul in the key"`),
    ],
    sinkUnderTest,
  );
  expect(await sync.query(storedRows)).toEqual([
    { conversation_id: "c-nul-key", bot_name: "nul", conversations_data: { "a\ufffdb": "x\ufffdy" } },
    { conversation_id: "c-plain", bot_name: "plain", conversations_data: null },
  ]);
  expect((await sync.query(rejectReasons)).map((reject) => reject.reason)).toEqual([
    'column "conversation_id": a key holds a NUL character or half a UTF-16 surrogate pair, which no warehouse stores unchanged',
  ]);
}

describe.each([
  ["DuckDB", duckdb],
  ["PostgreSQL", postgres],
])("hostile records into %s", (_name, sinkUnderTest) => {
  test("#3 a lone UTF-16 surrogate (an emoji cut in half) is repaired to U+FFFD and the rest loads", async () => {
    await surrogateCase(sinkUnderTest);
  });

  test("#4 JSON nested 5,000 levels deep is a reject with the reason, the rest loads", async () => {
    await deepCase(sinkUnderTest);
  });

  test("#7 a nested field of the wrong shape is a reject with the reason, and the intent views still run", async () => {
    const sync = await syncLines(
      [plain, conversation("c-not-a-list", `"triggered_intent_replies":"not a list"`)],
      sinkUnderTest,
    );
    expect(sync.run.stdout).toMatch(/support\/conversations\s+ultimate_conversations\s+1\s+1/);
    expect((await sync.query(rejectReasons)).map((reject) => reject.reason)).toEqual([
      'column "triggered_intent_replies": expected a list of objects, got string "not a list"',
    ]);
    const sqlDirectory = join(sync.directory, "sql");
    await cp(join(repositorySql, "ultimate"), join(sqlDirectory, "ultimate"), { recursive: true });
    const views = await parley(["views", "apply", "-c", sync.config, "--sql-dir", sqlDirectory]);
    expect(views.code, views.stderr).toBe(0);
    const query = await parley(["query", "-c", sync.config, "SELECT * FROM ultimate_first_meaningful_intent_metrics"]);
    expect(query.code, query.stderr).toBe(0);
  });

  test("#10 a NUL inside a key: refused in a table key, U+FFFD in a JSON key, alike on every sink", async () => {
    await nulCase(sinkUnderTest);
  });
});

describe("hostile records into BigQuery (its emulator): the same repairs and rejects as the other sinks", () => {
  test("#3 a lone UTF-16 surrogate is repaired to U+FFFD", () => surrogateCase(bigquery));
  test("#4 JSON nested 5,000 levels deep is a reject", () => deepCase(bigquery));
  test("#10 a NUL inside a key: refused in a table key, U+FFFD in a JSON key", () => nulCase(bigquery));
});
