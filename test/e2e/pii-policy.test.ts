import { createHmac } from "node:crypto";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { type Sink, type Source, type SourceMessage, type StreamDefinition, silentLogger } from "@parley/core";
import { piiPolicySchema, runSync } from "@parley/runner";
import { createCcaiEmulator } from "@parley/sandbox/ccai";
import { createUltimateEmulator } from "@parley/sandbox/ultimate";
import { createVoicegainEmulator } from "@parley/sandbox/voicegain";
import { createDuckdbSink } from "@parley/sink-duckdb";
import { afterEach, describe, expect, test } from "vitest";
import { z } from "zod";
import { parley, workspace } from "../support/cli-harness.ts";
import { freshPostgresSchema, postgresUrl } from "../support/postgres-schema.ts";

const hashKey = "pii-test-key-7f3a9c1e5b";
const environment = { PARLEY_PII_HASH_KEY: hashKey };
const hmac = (value: string) => createHmac("sha256", hashKey).update(value, "utf8").digest("hex");

// The canaries of free text: what a caller says in a transcript, what Voicegain's call summary repeats.
const phone = "+1 415 555 0199";
const email = "canary.caller@example.org";
const card = "4111 1111 1111 1111";
const textCanaries = [phone, email, card, "4111111111111111", "14155550199"];

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

/** The three emulators, with the canaries in notes and transcripts, and the values each vendor itself sends. */
async function vendors() {
  const ccai = await createCcaiEmulator({
    seed: 3,
    conversations: 40,
    transcriptLines: {
      agent: ["How can I help you today?", "Could you confirm your details?"],
      customer: [`Call me back on ${phone} please.`, `My email is ${email}.`, `I paid with card ${card} yesterday.`],
    },
  });
  const voicegain = await createVoicegainEmulator({ seed: 4, callCount: 60, inFlight: 0, rateLimits: false });
  const done = voicegain.calls().filter((call) => call.progressPhase === "DONE");
  for (const call of done.slice(0, 5))
    voicegain.reviewCall(call.callId, { notes: `Caller wants a call back on ${phone} or at ${email}; card ${card}.` });
  const ultimate = await createUltimateEmulator({ seed: 5, bots: 1, conversationsPerDay: { min: 20, max: 30 } });
  cleanups.push(
    () => ccai.close(),
    () => voicegain.close(),
    () => ultimate.close(),
  );
  const bot = ultimate.bots[0]?.id as string;
  const ultimateData = [-2, -1, 0].flatMap((offset) => [...ultimate.records(bot, day(offset))]);
  const sessionValues = (key: string) =>
    ultimateData.flatMap((record) => {
      const data = (record as Record<string, unknown>).conversations_data;
      const parsed = typeof data === "string" ? JSON.parse(data) : data;
      const value = (parsed as Record<string, unknown> | null)?.[key];
      return typeof value === "string" ? [value] : [];
    });
  const callerNumbers = voicegain.calls().flatMap((call) => (call.externalEndpoint ? [call.externalEndpoint] : []));
  const agentEmails = voicegain.calls().flatMap((call) => (call.agent?.email ? [call.agent.email] : []));
  const hashed = { callerNumbers, agentEmails, ultimateEmails: sessionValues("email") };
  const redacted = { ultimatePhones: sessionValues("phone") };
  for (const [name, values] of Object.entries({ ...hashed, ...redacted }))
    expect(values.length, `${name}: the vendors send some`).toBeGreaterThan(0);
  const [, project] = ccai.parent.split("/");
  const sources = {
    insights: { type: "ccai", project, baseUrl: ccai.url, accessToken: "any", includeTranscripts: true },
    calls: {
      type: "voicegain",
      baseUrl: voicegain.apiUrl,
      token: voicegain.token,
      format: "json",
      rateLimit: false,
      fromTime: "2024-01-01T00:00:00Z", // the emulator's calls are older than the connector's default start
    },
    support: {
      type: "ultimate",
      baseUrl: ultimate.url,
      organizationId: ultimate.organizationId,
      botIds: [bot],
      token: ultimate.apiKey,
      startDate: day(-2),
    },
  };
  return { sources, hashed, redacted, voicegain };
}

const policies = {
  insights: {
    columns: { transcript: "redact", "sentences[].sentence": "redact", words: "drop" },
  },
  calls: {
    hashKey: "${PARLEY_PII_HASH_KEY}",
    columns: { notes: "redact", external_endpoint: "hash", agent_email: "hash" },
  },
  support: {
    hashKey: "${PARLEY_PII_HASH_KEY}",
    columns: { "conversations_data.email": "hash", "conversations_data.phone": "redact" },
  },
};

function withPolicies(sources: Record<string, Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(sources).map(([name, entry]) => [name, { ...entry, pii: policies[name as keyof typeof policies] }]),
  );
}

/** Every row of every table of the sink, as text. */
async function everyTable(sink: Sink, tablesQuery: string): Promise<string> {
  const tables = (await sink.query(tablesQuery)).map((row) => row.table_name as string);
  expect(tables).toContain("_parley_rejects");
  const texts = await Promise.all(
    tables.map(async (table) => JSON.stringify(await sink.query(`SELECT * FROM "${table}"`))),
  );
  return texts.join("\n");
}

const present = (haystack: string | Buffer, needles: readonly string[]) =>
  needles.filter((needle) => haystack.includes(needle));

async function syncInto(sinkConfig: Record<string, unknown>, sources: Record<string, unknown>, name: string) {
  const space = await workspace();
  cleanups.push(space.cleanup);
  const config = await space.writeConfig({ sink: sinkConfig, sources }, `${name}.yaml`);
  const run = await parley(["sync", "-c", config], environment);
  expect(run.code, run.stderr).toBe(0);
  expect(run.stderr).not.toContain(hashKey);
  return run;
}

describe("PII policy: canaries never reach the sink", () => {
  test("DuckDB: hashed and redacted values are in no table and nowhere in the file's bytes (without the policy they are)", async () => {
    const { sources, hashed, redacted } = await vendors();
    const everything = [...textCanaries, ...Object.values(hashed).flat(), ...Object.values(redacted).flat()];
    for (const policy of ["none", "applied"] as const) {
      const space = await workspace();
      cleanups.push(space.cleanup);
      const chosen = policy === "none" ? sources : withPolicies(sources);
      await syncInto({ type: "duckdb", path: space.databasePath }, chosen, policy);
      const bytes = Buffer.concat(
        await Promise.all(
          [space.databasePath, `${space.databasePath}.wal`].filter(existsSync).map((path) => readFile(path)),
        ),
      );
      const sink = createDuckdbSink({ path: space.databasePath });
      const tables = await everyTable(
        sink,
        "SELECT table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE'",
      );
      await sink.close();
      if (policy === "none") {
        // The control: the same data without a policy puts every kind of canary in the tables and in the bytes.
        for (const canary of [phone, email, card]) expect(tables, canary).toContain(canary);
        for (const values of Object.values({ ...hashed, ...redacted }))
          expect(present(tables, values).length).toBeGreaterThan(0);
        expect(present(bytes, [phone, email, card]).length, "canaries visible in the file's bytes").toBeGreaterThan(0);
      } else {
        expect(present(tables, everything), "in a table").toEqual([]);
        expect(present(bytes, everything), "in the DuckDB file").toEqual([]);
        expect(tables).toContain("[phone]");
        expect(tables).toContain("[card]");
        expect(tables).toContain(hmac(hashed.callerNumbers[0] as string));
      }
    }
  });

  test("PostgreSQL: hashed and redacted values are in no table", async () => {
    const { sources, hashed, redacted } = await vendors();
    const everything = [...textCanaries, ...Object.values(hashed).flat(), ...Object.values(redacted).flat()];
    const postgres = freshPostgresSchema("pii");
    cleanups.push(postgres.drop);
    await syncInto({ type: "postgres", url: postgresUrl, schema: postgres.schema }, withPolicies(sources), "pg");
    const tables = await everyTable(
      postgres.sink,
      `SELECT table_name FROM information_schema.tables WHERE table_schema = '${postgres.schema}'`,
    );
    expect(tables.length).toBeGreaterThan(10_000);
    expect(present(tables, everything)).toEqual([]);
    expect(tables).toContain(hmac(hashed.ultimateEmails[0] as string));
  });
});

/** A source whose one stream carries a caller number and notes; it also emits what a connector sets aside. */
function leakySource(): Source {
  const stream: StreamDefinition = {
    name: "contacts",
    writeDisposition: "merge",
    primaryKey: ["id"],
    columns: [
      { name: "id", type: "string", nullable: false },
      { name: "caller", type: "string" },
      { name: "notes", type: "string" },
      { name: "turns", type: "integer" },
    ],
    // Raw records (vendor text, for the sink's bulk path) are mapped with this.
    mapping: {
      fields: [
        { column: "id", from: ["id"], reading: "text" },
        { column: "caller", from: ["callerNumber"], reading: "text" },
        { column: "notes", from: ["notes"], reading: "text" },
        { column: "turns", from: ["turns"], reading: "count" },
      ],
    },
  };
  const context = { values: {}, where: "page 1" };
  const messages: SourceMessage[] = [
    { kind: "record", stream: "contacts", record: { id: "a", caller: phone, notes: `mail ${email}`, turns: 3 } },
    // Fails validation (turns is no integer): set aside with the record as its payload.
    { kind: "record", stream: "contacts", record: { id: "b", caller: phone, notes: `card ${card}`, turns: "x" } },
    // Set aside by the connector in the vendor's own shape, and as text it could not parse.
    { kind: "reject", stream: "contacts", raw: { Caller: phone, detail: { text: `card ${card}` } }, reason: "bad" },
    { kind: "reject", stream: "contacts", raw: `b,${phone},${email}`, reason: "unparsable line" },
    // Raw records, sent even though the runner asked for none: one maps to a row, one cannot be mapped.
    {
      kind: "raw",
      stream: "contacts",
      records: {
        layout: "ndjson",
        bytes: Buffer.from(
          `${JSON.stringify({ id: "c", callerNumber: phone, notes: card })}\n${JSON.stringify({ id: "d", notes: email, turns: "many" })}`,
        ),
        count: 2,
      },
      context,
    },
    { kind: "checkpoint", stream: "contacts", state: { done: true } },
  ];
  return {
    apiVersion: 1,
    type: "leaky",
    streams: [stream],
    stateVersion: 1,
    stateSchema: z.object({ done: z.boolean() }),
    check: async () => undefined,
    async *read() {
      yield* messages;
    },
    close: async () => undefined,
  };
}

test("rejects and raw records are scrubbed the same way: a record that fails validation, payloads set aside, vendor text", async () => {
  const space = await workspace();
  cleanups.push(space.cleanup);
  const sink = createDuckdbSink({ path: space.databasePath });
  const policy = piiPolicySchema.parse({ columns: { caller: "hash", notes: "redact" }, hashKey });
  const result = await runSync({
    sourceName: "leaky",
    source: leakySource(),
    sink,
    tablePrefix: "leaky",
    logger: silentLogger,
    pii: { policy, configPath: "sources.leaky.pii" },
  });
  expect(result.status, String(result.error)).toBe("succeeded");
  const rejects = await sink.query("SELECT payload FROM _parley_rejects ORDER BY payload");
  const rows = await sink.query("SELECT id, caller, notes FROM leaky_contacts ORDER BY id");
  await sink.close();
  expect(rows).toEqual([
    { id: "a", caller: hmac(phone), notes: "mail [email]" },
    { id: "c", caller: hmac(phone), notes: "[card]" },
  ]);
  expect(rejects.map((row) => row.payload).sort()).toEqual(
    [
      JSON.stringify({ id: "b", caller: hmac(phone), notes: "card [card]", turns: "x" }),
      JSON.stringify({ Caller: hmac(phone), detail: { text: "card [card]" } }),
      "b,[phone],[email]",
      JSON.stringify({ id: "d", notes: "[email]", turns: "many" }),
    ].sort(),
  );
  const bytes = await readFile(space.databasePath);
  expect(present(bytes, textCanaries)).toEqual([]);
});

test("hashed columns still join across two runs: the same caller gives the same value, the key never stored", async () => {
  const { sources, voicegain } = await vendors();
  const space = await workspace();
  cleanups.push(space.cleanup);
  const config = await space.writeConfig({
    sink: { type: "duckdb", path: space.databasePath },
    sources: { calls: { ...sources.calls, pii: policies.calls } },
  });
  const sync = async () => {
    const run = await parley(["sync", "-c", config], environment);
    expect(run.code, run.stderr).toBe(0);
  };
  await sync();
  voicegain.addCalls(60, { inFlight: false });
  await sync();

  const sink = createDuckdbSink({ path: space.databasePath });
  cleanups.push(() => sink.close());
  const rows = await sink.query("SELECT call_id, external_endpoint, _parley_load_id AS load FROM voicegain_calls");
  const raw = new Map(voicegain.calls().map((call) => [Number(call.callId), call.externalEndpoint]));
  const loads = [...new Set(rows.map((row) => row.load))];
  expect(loads).toHaveLength(2);
  for (const row of rows) expect(row.external_endpoint).toBe(hmac(raw.get(row.call_id as number) as string));
  // Callers of the first run who called again in the second, found by joining the hashes across the runs.
  const [first, second] = loads.map((load) => rows.filter((row) => row.load === load));
  const rawCallers = (part: typeof rows | undefined) => new Set(part?.map((row) => raw.get(row.call_id as number)));
  const expected = [...rawCallers(first)].filter((caller) => rawCallers(second).has(caller)).length;
  expect(expected, "the emulator repeats some callers").toBeGreaterThan(0);
  const joined = await sink.query(
    `SELECT COUNT(DISTINCT a.external_endpoint) AS callers FROM voicegain_calls a JOIN voicegain_calls b
     ON a.external_endpoint = b.external_endpoint
     WHERE a._parley_load_id = '${loads[0]}' AND b._parley_load_id = '${loads[1]}'`,
  );
  expect(joined).toEqual([{ callers: expected }]);
  const everything = await everyTable(
    sink,
    "SELECT table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE'",
  );
  expect(everything).not.toContain(hashKey);
});

test("a changed policy over loaded rows is refused, naming each rule, until --full-refresh; each load records its policy", async () => {
  const { sources } = await vendors();
  const space = await workspace();
  cleanups.push(space.cleanup);
  const write = (pii: unknown) =>
    space.writeConfig({
      sink: { type: "duckdb", path: space.databasePath },
      sources: { calls: { ...sources.calls, ...(pii === undefined ? {} : { pii }) } },
    });
  const sync = async (pii: unknown, ...flags: string[]) =>
    parley(["sync", "-c", await write(pii), ...flags], environment);

  expect((await sync(undefined)).code).toBe(0);
  const refused = await sync(policies.calls);
  expect(refused.code).toBe(2);
  expect(refused.stderr).toContain(
    "sources.calls.pii.columns.external_endpoint: changed from keep to hash, but the tables already hold rows loaded with keep",
  );
  expect(refused.stderr).toContain("sources.calls.pii.columns.notes: changed from keep to redact");
  expect(refused.stderr).toContain("parley sync --full-refresh --source calls");
  expect((await sync(policies.calls, "--full-refresh")).code).toBe(0);
  expect((await sync(policies.calls)).code, "the same policy again").toBe(0);
  const otherKey = await parley(["sync", "-c", await write(policies.calls)], {
    PARLEY_PII_HASH_KEY: "another-key-12345",
  });
  expect(otherKey.code).toBe(2);
  expect(otherKey.stderr).toContain("sources.calls.pii.hashKey: is not the key the stored hashes were made with");
  expect(otherKey.stderr).not.toContain("another-key-12345");

  const sink = createDuckdbSink({ path: space.databasePath });
  cleanups.push(() => sink.close());
  const loads = await sink.query("SELECT status, metadata FROM _parley_loads ORDER BY started_at");
  const recorded = loads.map((load) => (load.metadata as { pii?: Record<string, unknown> } | null)?.pii);
  expect(recorded.map((pii) => pii?.rules)).toEqual([{}, policyRules, policyRules]);
  expect(new Set(recorded.map((pii) => pii?.version)).size).toBe(2);
  expect(JSON.stringify(loads)).not.toContain(hashKey);
});

const policyRules = { agent_email: "hash", external_endpoint: "hash", notes: "redact" };

test("`parley check` names a PII rule that does not fit the connector's columns, before anything is read", async () => {
  const space = await workspace();
  cleanups.push(space.cleanup);
  const config = await space.writeConfig({
    sink: { type: "duckdb", path: space.databasePath },
    sources: {
      calls: {
        type: "voicegain",
        token: "unused",
        pii: { hashKey: "${PARLEY_PII_HASH_KEY}", columns: { caller_number: "hash", duration: "redact" } },
      },
    },
  });
  const checked = await parley(["check", "-c", config], environment);
  expect(checked.code).toBe(2);
  expect(checked.stderr).toContain('sources.calls.pii.columns.caller_number: no column "caller_number"');
  expect(checked.stderr).toContain('sources.calls.pii.columns.duration: redact keeps text; "duration" is integer');
  const withoutKey = await parley(["check", "-c", config], {});
  expect(withoutKey.code).toBe(2);
  expect(withoutKey.stderr).toContain("PARLEY_PII_HASH_KEY");
});
