import { createCcaiSource } from "@parley/connector-ccai";
import { conversationsStream } from "@parley/connector-ultimate";
import { callsStream } from "@parley/connector-voicegain";
import { createRecordValidator, type Sink, type StreamDefinition } from "@parley/core";
import { createDuckdbSink } from "@parley/sink-duckdb";
import { afterEach, describe, expect, test } from "vitest";
import { parley, queryDuckdb, workspace } from "../support/cli-harness.ts";
import { offlineSources } from "../support/offline-sources.ts";
import { freshPostgresSchema, postgresUrl } from "../support/postgres-schema.ts";

const ccaiStream = createCcaiSource({ project: "zone-test" }).streams[0] as StreamDefinition;

/** One record per connector, each at 23:30 UTC on 2024-06-18: 19:30 in New York, 08:30 next morning in Tokyo. */
const lateEvening = "2024-06-18T23:30:00.000Z";
const tables = [
  {
    table: "ultimate_conversations",
    stream: conversationsStream,
    record: { bot_id: "b1", conversation_id: "late", conversation_end_time: lateEvening, bot_messages_count: 1 },
  },
  { table: "voicegain_calls", stream: callsStream, record: { call_id: 1, start_time: lateEvening } },
  {
    table: "ccai_conversations",
    stream: ccaiStream,
    record: { conversationName: "projects/p/locations/l/conversations/late", startTimestamp: lateEvening },
  },
] as const;

/** The day column of one view per connector, as the analyst reads it. */
const dayQueries = {
  ultimate: "SELECT CAST(day AS VARCHAR(10)) AS day FROM ultimate_metrics",
  voicegain: "SELECT CAST(call_date AS VARCHAR(10)) AS day FROM voicegain_call_metrics",
  ccai: "SELECT CAST(conversation_date AS VARCHAR(10)) AS day FROM ccai_conversation_metrics",
};

async function load(sink: Sink, only?: string): Promise<void> {
  for (const { table, stream, record } of tables) {
    if (only !== undefined && table !== only) continue;
    const validated = createRecordValidator(stream)(record);
    if (!validated.ok) throw new Error(validated.reason);
    const target = { table, stream };
    await sink.prepare([target]);
    await sink.writeBatch({
      loadId: "zone",
      loadedAt: "2024-06-19T00:00:00.000Z",
      source: table,
      target,
      rows: [validated.row],
      rejects: [],
    });
  }
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const expectations = [
  ["UTC", "2024-06-18"],
  ["America/New_York", "2024-06-18"],
  ["Asia/Tokyo", "2024-06-19"],
] as const;

describe("views apply --reporting-time-zone: a conversation at 23:30 UTC lands on its local day", () => {
  test.each(["duckdb", "postgres"] as const)("on %s, for every connector", async (sinkType) => {
    const space = await workspace();
    cleanups.push(space.cleanup);
    let sink: Sink;
    let sinkConfig: Record<string, unknown>;
    if (sinkType === "duckdb") {
      sink = createDuckdbSink({ path: space.databasePath });
      sinkConfig = { type: "duckdb", path: space.databasePath };
    } else {
      const postgres = freshPostgresSchema("zone");
      cleanups.push(postgres.drop);
      sink = postgres.sink;
      sinkConfig = { type: "postgres", url: postgresUrl, schema: postgres.schema };
    }
    await load(sink);
    if (sinkType === "duckdb") await sink.close();
    const config = await space.writeConfig({ sink: sinkConfig, sources: offlineSources });

    for (const [zone, day] of expectations) {
      const applied = await parley(["views", "apply", "-c", config, "--reporting-time-zone", zone]);
      expect(applied.code, applied.stderr).toBe(0);
      expect(applied.stdout).toContain(`days in the ${zone} time zone`);
      for (const [connector, sql] of Object.entries(dayQueries)) {
        const rows = sinkType === "duckdb" ? await queryDuckdb(space.databasePath, sql) : await sink.query(sql);
        expect(rows, `${connector} in ${zone}`).toEqual([{ day }]);
      }
    }
  });

  test("a name that is not an IANA time zone is refused, and the error names the option", async () => {
    const space = await workspace();
    cleanups.push(space.cleanup);
    const config = await space.writeConfig({
      sink: { type: "duckdb", path: space.databasePath },
      sources: offlineSources,
    });
    for (const zone of ["Mars/Olympus_Mons", "+05:00", "new york"]) {
      const run = await parley(["views", "apply", "-c", config, "--reporting-time-zone", zone]);
      expect(run.code, zone).toBe(2);
      expect(run.stderr, zone).toContain("--reporting-time-zone");
      expect(run.stderr, zone).toContain("IANA time zone");
    }
  });
});

describe("views apply before the first sync", () => {
  test("names the source that has not been synced, skips its views and applies the others", async () => {
    const space = await workspace();
    cleanups.push(space.cleanup);
    const sink = createDuckdbSink({ path: space.databasePath });
    await load(sink, "voicegain_calls");
    await sink.close();
    const config = await space.writeConfig({
      sink: { type: "duckdb", path: space.databasePath },
      sources: offlineSources,
    });
    const applied = await parley(["views", "apply", "-c", config]);
    expect(applied.stderr).toBe("");
    expect(applied.code).toBe(0);
    expect(applied.stdout).toContain(
      'skipped the ccai views: source "insights" has not been synced yet (no table ccai_conversations)',
    );
    expect(applied.stdout).toContain(
      'skipped the ultimate views: source "support" has not been synced yet (no table ultimate_conversations)',
    );
    expect(applied.stdout).toContain("applied voicegain/03_voicegain_call_metrics.sql");
    expect(applied.stdout).not.toMatch(/applied (ccai|ultimate)\//);
    expect(await queryDuckdb(space.databasePath, dayQueries.voicegain)).toEqual([{ day: "2024-06-18" }]);
  });
});
