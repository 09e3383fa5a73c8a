import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { conversationsStream } from "@parley/connector-ultimate";
import type { Sink } from "@parley/core";
import { createDuckdbSink } from "@parley/sink-duckdb";
import { afterEach, describe, expect, test } from "vitest";
import { readViewSql } from "../support/view-sql.ts";

const viewsDirectory = fileURLToPath(new URL("../../sql/ultimate/", import.meta.url));

/** The DuckDB view files in apply order, with the reporting time zone filled in as `views apply` does. */
async function applyViews(sink: Sink, zone: string): Promise<void> {
  const names = (await readdir(viewsDirectory)).filter((name) => name.endsWith(".sql")).sort();
  const chosen = new Map<string, string>();
  for (const name of names) {
    const [base, dialect] = name.slice(0, -4).split(".") as [string, string | undefined];
    if (dialect === "duckdb" || (dialect === undefined && !chosen.has(base))) chosen.set(base, name);
  }
  for (const base of [...chosen.keys()].sort())
    await sink.execute(await readViewSql(join(viewsDirectory, chosen.get(base) as string), zone));
}

function conversation(
  id: string,
  exportDate: string,
  start: string,
  end: string,
  status: string,
): Record<string, unknown> {
  return {
    ...Object.fromEntries(conversationsStream.columns.map((column) => [column.name, null])),
    bot_id: "b1",
    conversation_id: id,
    export_version: "v3",
    export_date: exportDate,
    conversation_start_time: start,
    conversation_end_time: end,
    conversation_status: status,
    bot_messages_count: 1,
  };
}

// Export days 2024-06-14, 15, 17, 18, 19 loaded on 2024-06-21; 16 missing (a gap); 20 loaded late, on 2024-06-23.
const onTime = [
  conversation("e14", "2024-06-14", "2024-06-14T10:00:00Z", "2024-06-14T10:05:00Z", "botHandled"),
  // Spans midnight: started on the 14th, ended on the 15th, so it is in the export of the 15th.
  conversation("m1", "2024-06-15", "2024-06-14T23:50:00Z", "2024-06-15T00:10:00Z", "botHandled"),
  conversation("e17", "2024-06-17", "2024-06-17T10:00:00Z", "2024-06-17T10:05:00Z", "bot_handled"),
  // A long (email) conversation: started on the 17th, ended two days later.
  conversation("a3", "2024-06-19", "2024-06-17T22:00:00Z", "2024-06-19T08:00:00Z", "custom_escalation"),
  conversation("e18", "2024-06-18", "2024-06-18T09:00:00Z", "2024-06-18T09:10:00Z", "failed_escalation"),
];
const late = [
  conversation("l1", "2024-06-20", "2024-06-18T23:30:00Z", "2024-06-20T01:00:00Z", "agent"),
  conversation("e20", "2024-06-20", "2024-06-20T10:00:00Z", "2024-06-20T10:05:00Z", "BOT_HANDLED"),
];

const target = { table: "ultimate_conversations", stream: conversationsStream };
async function write(sink: Sink, rows: Record<string, unknown>[], loadedAt: string): Promise<void> {
  await sink.writeBatch({
    loadId: `load-${loadedAt}`,
    loadedAt,
    source: "support",
    target,
    rows,
    rejects: [],
    // What the connector stores in API mode: the cursor per bot and the configured lookback.
    state: {
      source: "support",
      stream: "conversations",
      version: 1,
      value: { bots: { b1: rows.at(-1)?.export_date as string }, lookbackDays: 2 },
    },
  });
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function warehouse(zone: string, withLateDay: boolean): Promise<Sink> {
  const directory = await mkdtemp(join(tmpdir(), "parley-start-day-"));
  cleanups.push(() => rm(directory, { recursive: true, force: true }));
  const sink = createDuckdbSink({ path: join(directory, "views.duckdb") });
  cleanups.push(() => sink.close());
  await sink.prepare([target]);
  await write(sink, onTime, "2024-06-21T00:00:00.000Z");
  if (withLateDay) await write(sink, late, "2024-06-23T00:00:00.000Z");
  await applyViews(sink, zone);
  return sink;
}

const startDays = (sink: Sink) =>
  sink.query(`SELECT CAST(day AS VARCHAR) AS day, total_conversations, bot_handled_conversations, deflection_rate,
      escalation_rate, failed_escalation_rate, lookback_days, CAST(first_required_export_date AS VARCHAR) AS first_required,
      CAST(last_required_export_date AS VARCHAR) AS last_required, is_final
    FROM ultimate_start_day_metrics ORDER BY day`);

describe("ultimate_start_day_metrics and ultimate_export_days (hand-worked, DuckDB)", () => {
  test("before the late day: start days counted across export files, final only when D..D+lookback are all in", async () => {
    const sink = await warehouse("UTC", false);
    expect(await startDays(sink)).toEqual([
      // 14th: e14 and m1 (ended on the 15th). Needs exports 14..16; 16 is missing.
      {
        day: "2024-06-14",
        total_conversations: 2,
        bot_handled_conversations: 2,
        deflection_rate: 1,
        escalation_rate: 0,
        failed_escalation_rate: 0,
        lookback_days: 2,
        first_required: "2024-06-14",
        last_required: "2024-06-16",
        is_final: false,
      },
      // 17th: e17 (bot_handled = handled) and a3 (custom_escalation = escalated, not deflected). Needs 17..19: all in.
      {
        day: "2024-06-17",
        total_conversations: 2,
        bot_handled_conversations: 1,
        deflection_rate: 0.5,
        escalation_rate: 0.5,
        failed_escalation_rate: 0,
        lookback_days: 2,
        first_required: "2024-06-17",
        last_required: "2024-06-19",
        is_final: true,
      },
      // 18th: e18 only so far (failed_escalation: a failed escalation, deflected as in the seeds' SQL). Needs 18..20.
      {
        day: "2024-06-18",
        total_conversations: 1,
        bot_handled_conversations: 0,
        deflection_rate: 1,
        escalation_rate: 0,
        failed_escalation_rate: 1,
        lookback_days: 2,
        first_required: "2024-06-18",
        last_required: "2024-06-20",
        is_final: false,
      },
    ]);
  });

  test("after the late day: the 18th gains l1 and becomes final; export days show the gap and the late load", async () => {
    const sink = await warehouse("UTC", true);
    const rows = await startDays(sink);
    expect(rows.find((row) => row.day === "2024-06-18")).toEqual({
      day: "2024-06-18",
      total_conversations: 2,
      bot_handled_conversations: 0,
      deflection_rate: 0.5,
      escalation_rate: 0.5,
      failed_escalation_rate: 0.5,
      lookback_days: 2,
      first_required: "2024-06-18",
      last_required: "2024-06-20",
      is_final: true,
    });
    // e20 (BOT_HANDLED: handled in any spelling); the 21st and 22nd are not loaded.
    expect(rows.find((row) => row.day === "2024-06-20")).toMatchObject({
      total_conversations: 1,
      bot_handled_conversations: 1,
      is_final: false,
    });
    expect(
      await sink.query(`SELECT CAST(export_date AS VARCHAR) AS export_date, conversations, loaded_at,
          CAST(previous_export_date AS VARCHAR) AS previous_export_date, missing_days_before
        FROM ultimate_export_days ORDER BY export_date`),
    ).toEqual([
      {
        export_date: "2024-06-14",
        conversations: 1,
        loaded_at: "2024-06-21T00:00:00Z",
        previous_export_date: null,
        missing_days_before: null,
      },
      {
        export_date: "2024-06-15",
        conversations: 1,
        loaded_at: "2024-06-21T00:00:00Z",
        previous_export_date: "2024-06-14",
        missing_days_before: 0,
      },
      {
        export_date: "2024-06-17",
        conversations: 1,
        loaded_at: "2024-06-21T00:00:00Z",
        previous_export_date: "2024-06-15",
        missing_days_before: 1,
      },
      {
        export_date: "2024-06-18",
        conversations: 1,
        loaded_at: "2024-06-21T00:00:00Z",
        previous_export_date: "2024-06-17",
        missing_days_before: 0,
      },
      {
        export_date: "2024-06-19",
        conversations: 1,
        loaded_at: "2024-06-21T00:00:00Z",
        previous_export_date: "2024-06-18",
        missing_days_before: 0,
      },
      {
        export_date: "2024-06-20",
        conversations: 2,
        loaded_at: "2024-06-23T00:00:00Z",
        previous_export_date: "2024-06-19",
        missing_days_before: 0,
      },
    ]);
  });

  test("by end day, the conversation spanning midnight counts on the 15th, the day its export holds it", async () => {
    const sink = await warehouse("UTC", true);
    expect(
      await sink.query(
        "SELECT CAST(day AS VARCHAR) AS day, total_conversations FROM ultimate_metrics WHERE day <= DATE '2024-06-15' ORDER BY day",
      ),
    ).toEqual([
      { day: "2024-06-14", total_conversations: 1 },
      { day: "2024-06-15", total_conversations: 1 },
    ]);
  });

  test("every status spelling is mapped once: snake_case and upper case count as the seeds' camelCase", async () => {
    const sink = await warehouse("UTC", true);
    expect(
      await sink.query(`SELECT CAST(day AS VARCHAR) AS day, bot_handled_conversations, deflection_rate, escalation_rate,
          failed_escalation_rate FROM ultimate_metrics WHERE day BETWEEN DATE '2024-06-17' AND DATE '2024-06-19' ORDER BY day`),
    ).toEqual([
      // e17 bot_handled: handled and deflected.
      {
        day: "2024-06-17",
        bot_handled_conversations: 1,
        deflection_rate: 1,
        escalation_rate: 0,
        failed_escalation_rate: 0,
      },
      // e18 failed_escalation: a failed escalation (deflected, as the seeds' SQL counts failedEscalation).
      {
        day: "2024-06-18",
        bot_handled_conversations: 0,
        deflection_rate: 1,
        escalation_rate: 0,
        failed_escalation_rate: 1,
      },
      // a3 custom_escalation: escalated, never deflected.
      {
        day: "2024-06-19",
        bot_handled_conversations: 0,
        deflection_rate: 0,
        escalation_rate: 1,
        failed_escalation_rate: 0,
      },
    ]);
    expect(await sink.query("SELECT DISTINCT status FROM ultimate_conversation_facts ORDER BY status")).toEqual([
      { status: "agent" },
      { status: "botHandled" },
      { status: "customEscalation" },
      { status: "failedEscalation" },
    ]);
  });

  test("in New York a start day spans two UTC export days: the 17th needs 17..20, so it is not final yet", async () => {
    const sink = await warehouse("America/New_York", false);
    // Local starts: e17 06:00, a3 18:00 on the 17th; local midnight of the 18th is 04:00 UTC on the 18th.
    expect((await startDays(sink)).find((row) => row.day === "2024-06-17")).toMatchObject({
      total_conversations: 2,
      first_required: "2024-06-17",
      last_required: "2024-06-20",
      is_final: false,
    });
  });
});
