import { createCcaiEmulator } from "@parley/sandbox/ccai";
import { createUltimateEmulator } from "@parley/sandbox/ultimate";
import { createVoicegainEmulator } from "@parley/sandbox/voicegain";
import { afterEach, describe, expect, test } from "vitest";
import { parley, queryDuckdb, workspace } from "../support/cli-harness.ts";
import { type FaultProxy, type ProxyFault, startFaultProxy } from "../support/fault-proxy.ts";
import { freshPostgresSchema, postgresUrl } from "../support/postgres-schema.ts";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Warehouse {
  readonly sink: Record<string, unknown>;
  query(sql: string): Promise<readonly Record<string, unknown>[]>;
}

const warehouses: Record<string, (directory: string) => Warehouse> = {
  DuckDB: (directory) => {
    const path = `${directory}/parley.duckdb`;
    return { sink: { type: "duckdb", path }, query: (sql) => queryDuckdb(path, sql) };
  },
  PostgreSQL: () => {
    const schema = freshPostgresSchema("parley_faults");
    cleanups.push(schema.drop);
    return {
      sink: { type: "postgres", url: postgresUrl, schema: schema.schema },
      query: (sql) => schema.sink.query(sql),
    };
  },
};

async function proxyFor(url: string): Promise<FaultProxy> {
  const proxy = await startFaultProxy(url);
  cleanups.push(proxy.close);
  return proxy;
}

const day = "2024-06-19";

/** One bot's export day served as JSON-array files through a fault proxy, synced by `parley sync`. */
async function ultimateSetup(warehouse: (directory: string) => Warehouse) {
  const emulator = await createUltimateEmulator({
    seed: 31,
    now: "2024-06-20T09:00:00Z",
    bots: 1,
    conversationsPerDay: 40,
    fileFormat: "array",
  });
  cleanups.push(() => emulator.close());
  const proxy = await proxyFor(emulator.url);
  const space = await workspace();
  cleanups.push(space.cleanup);
  const target = warehouse(space.directory);
  const botId = emulator.bots[0]?.id as string;
  const config = await space.writeConfig({
    sink: target.sink,
    sources: {
      support: {
        type: "ultimate",
        organizationId: emulator.organizationId,
        botIds: [botId],
        token: emulator.apiKey,
        baseUrl: proxy.url,
        startDate: day,
        endDate: day,
      },
    },
  });
  const expected = new Set([...emulator.records(botId, day)].map((record) => String(record.conversation_id)));
  const stored = async () =>
    (await target.query("SELECT COUNT(*) AS n, COUNT(DISTINCT conversation_id) AS ids FROM ultimate_conversations"))[0];
  return { proxy, config, target, expected, stored };
}

const downloads: ProxyFault["match"] = (request) => request.method === "GET" && request.path.includes(".json?");
/** Where a JSON-array file is cut: after the third `}` that a `,{` follows; the rest, and the closing `]`, never arrive. */
function afterThirdElement(body: Buffer): number {
  let at = -1;
  for (let count = 0; count < 3; count++) at = body.indexOf("},{", at + 1);
  return at + 1;
}

describe.each(Object.entries(warehouses))("network faults, %s sink", (_name, warehouse) => {
  test("#2 an Ultimate array file that ends without its ]: downloaded again, and loaded whole", async () => {
    const setup = await ultimateSetup(warehouse);
    setup.proxy.faults.push({ kind: "truncate", match: downloads, times: 1, afterBytes: afterThirdElement });
    const run = await parley(["sync", "-c", setup.config]);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(setup.proxy.log.filter((entry) => entry.fault === "truncate")).toHaveLength(1);
    expect(await setup.stored()).toEqual({ n: setup.expected.size, ids: setup.expected.size });
    expect((await setup.target.query("SELECT COUNT(*) AS n FROM _parley_rejects"))[0]).toEqual({ n: 0 });
  });

  test("#2 an Ultimate array file that stays cut short fails the day (no state past it), and the next run loads it once", async () => {
    const setup = await ultimateSetup(warehouse);
    setup.proxy.faults.push({ kind: "truncate", match: downloads, times: 100, afterBytes: afterThirdElement });
    const failed = await parley(["sync", "-c", setup.config]);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toMatch(/ends without its closing \] \(the file was cut short\)/);
    expect(failed.stdout).not.toMatch(/X-Goog-Signature=[0-9a-f]/);
    expect(await setup.target.query("SELECT state FROM _parley_state")).toEqual([]);
    setup.proxy.faults.length = 0;
    const again = await parley(["sync", "-c", setup.config]);
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(await setup.stored()).toEqual({ n: setup.expected.size, ids: setup.expected.size });
  });

  test("#2 a Voicegain CSV page cut mid-row is read again: no call is skipped and the cursor only covers loaded calls", async () => {
    const emulator = await createVoicegainEmulator({ seed: 41, callCount: 90, inFlight: 0, rateLimits: false });
    cleanups.push(() => emulator.close());
    const proxy = await proxyFor(emulator.apiUrl);
    const space = await workspace();
    cleanups.push(space.cleanup);
    const target = warehouse(space.directory);
    const config = await space.writeConfig({
      sink: target.sink,
      sources: {
        calls: {
          type: "voicegain",
          token: emulator.token,
          baseUrl: proxy.url,
          format: "csv",
          perPage: 40,
          timeZone: "UTC",
          rateLimit: false,
          fromTime: "2000-01-01T00:00:00Z",
        },
      },
    });
    // The second page loses the end of its last row, whose callId (third column) still arrives whole.
    proxy.faults.push({
      kind: "truncate",
      match: (request) => request.path.includes("afterCallId=") && !request.path.includes("afterCallId=0&"),
      times: 1,
      afterBytes: (body) => {
        let at = body.lastIndexOf(Buffer.from("\r\n"), body.length - 3) + 2;
        for (let comma = 0; comma < 4; comma++) at = body.indexOf(",", at) + 1;
        return at;
      },
    });
    const run = await parley(["sync", "-c", config]);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(
      proxy.log.filter((entry) => entry.fault === "truncate"),
      JSON.stringify(proxy.log),
    ).toHaveLength(1);
    const [rows] = await target.query(
      "SELECT COUNT(*) AS n, COUNT(DISTINCT call_id) AS ids, MAX(call_id) AS top FROM voicegain_calls",
    );
    expect(rows).toMatchObject({ n: 90, ids: 90 });
    const [stored] = await target.query("SELECT state FROM _parley_state WHERE source = 'calls'");
    const cursor = (stored?.state as { consecutive?: { afterCallId?: unknown } } | undefined)?.consecutive;
    expect(cursor?.afterCallId).toBe(rows?.top);
    expect((await target.query("SELECT COUNT(*) AS n FROM _parley_rejects"))[0]).toEqual({ n: 0 });
  });

  test("#6 Ultimate get-signed-urls and CCAI list pages dropped mid-body are retried; a drop that persists names the request", async () => {
    const setup = await ultimateSetup(warehouse);
    const signedUrls: ProxyFault["match"] = (request) => request.path.endsWith("/get-signed-urls");
    setup.proxy.faults.push({ kind: "drop", match: signedUrls, times: 2, afterBytes: 20 });
    const run = await parley(["sync", "-c", setup.config]);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(setup.proxy.log.filter((entry) => entry.fault === "drop")).toHaveLength(2);
    expect(await setup.stored()).toEqual({ n: setup.expected.size, ids: setup.expected.size });

    const token = "ccai-faults-token";
    const ccai = await createCcaiEmulator({
      seed: 12,
      conversations: 60,
      clock: "frozen",
      clockStart: "2024-06-01T00:00:00Z",
      tokens: [token],
    });
    cleanups.push(() => ccai.close());
    const proxy = await proxyFor(ccai.url);
    const space = await workspace();
    cleanups.push(space.cleanup);
    const target = warehouse(space.directory);
    const config = await space.writeConfig({
      sink: target.sink,
      sources: {
        insights: { type: "ccai", project: "parley-sandbox", baseUrl: proxy.url, accessToken: token, pageSize: 25 },
      },
    });
    const listPages: ProxyFault["match"] = (request) => /\/conversations(\?|$)/.test(request.path);
    proxy.faults.push({ kind: "drop", match: listPages, times: 3, afterBytes: 100 });
    const ccaiRun = await parley(["sync", "-c", config]);
    expect(ccaiRun.code, ccaiRun.stdout + ccaiRun.stderr).toBe(0);
    expect(proxy.log.filter((entry) => entry.fault === "drop")).toHaveLength(3);
    expect(await target.query("SELECT COUNT(*) AS n FROM ccai_conversations")).toEqual([{ n: 60 }]);

    proxy.faults.push({ kind: "drop", match: listPages, times: 100, afterBytes: 100 });
    const failed = await parley(["sync", "-c", config, "--full-refresh"]);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toMatch(
      /GET http:\/\/127\.0\.0\.1:\d+\/v1\/projects\/parley-sandbox\/locations\/[a-z0-9-]+\/conversations\?\S* failed after 5 attempt\(s\) with a body that could not be read/,
    );
  });
});
