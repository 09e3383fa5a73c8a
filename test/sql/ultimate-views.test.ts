import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { conversationsStream } from "@parley/connector-ultimate";
import type { Sink } from "@parley/core";
import { createDuckdbSink } from "@parley/sink-duckdb";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { readViewSql } from "../support/view-sql.ts";

const viewsDirectory = fileURLToPath(new URL("../../sql/ultimate/", import.meta.url));

/** The files `parley views apply` runs on DuckDB: `NN_name.duckdb.sql` where present, else the portable `NN_name.sql`. */
async function duckdbViews(): Promise<string[]> {
  const names = (await readdir(viewsDirectory)).filter((name) => name.endsWith(".sql")).sort();
  const chosen = new Map<string, string>();
  for (const name of names) {
    const [base, dialect] = name.slice(0, -4).split(".") as [string, string | undefined];
    if (dialect === "duckdb" || (dialect === undefined && !chosen.has(base))) chosen.set(base, name);
  }
  return Promise.all(
    [...chosen.keys()].sort().map((base) => readViewSql(join(viewsDirectory, chosen.get(base) as string))),
  );
}

const intent = (name: string, at: string, notMeaningful: boolean) => ({
  intent_timestamp: `2024-06-18T${at}+00:00`,
  intent_id: name.slice(0, 3),
  intent_name: name,
  not_meaningful: notMeaningful,
});
const useCase = (name: string) => ({ intent_name: name, use_case_type: "dialogue" });
const greeting = (at: string) => intent("Greeting", at, true);
const human = (at: string) => intent("Talk to a human/agent", at, false);

/** A full row of ultimate_conversations: every column, null unless given. */
function row(values: Record<string, unknown>): Record<string, unknown> {
  return { ...Object.fromEntries(conversationsStream.columns.map((column) => [column.name, null])), ...values };
}

// Fixture: bot b1 over three UTC days (v3 and v2 rows), bot b2 on one day; counts as the connector stores them.
const rows = [
  row({
    bot_id: "b1",
    conversation_id: "c1",
    export_version: "v3",
    conversation_end_time: "2024-06-18T08:00:00Z",
    conversation_status: "botHandled",
    last_resolution: "resolved",
    customer_messages_count: 4,
    not_understood_messages_count: 1,
    bot_messages_count: 5,
    triggered_intent_replies: [greeting("08:00:01"), intent("Refund", "08:00:02", false), human("08:00:03")],
    triggered_use_cases: [useCase("Refund")],
  }),
  row({
    bot_id: "b1",
    conversation_id: "c2",
    export_version: "v2",
    conversation_end_time: "2024-06-18T09:00:00Z",
    conversation_status: "bot_handled",
    last_resolution: "informed",
    customer_messages_count: 3,
    not_understood_messages_count: 0,
    bot_messages_count: 2,
    llm_fallback_count: 1,
    triggered_intent_replies: [greeting("09:00:01"), intent("Order status", "09:00:02", false)],
  }),
  row({
    bot_id: "b1",
    conversation_id: "c3",
    export_version: "v3",
    conversation_end_time: "2024-06-18T10:00:00Z",
    conversation_status: "agent",
    last_resolution: "escalated",
    customer_messages_count: 2,
    not_understood_messages_count: 2,
    bot_messages_count: 1,
    triggered_intent_replies: [human("10:00:01")],
    triggered_use_cases: [useCase("Talk to a human/agent")],
  }),
  // Suggestion engine: no bot messages, so the dashboard leaves it out.
  row({
    bot_id: "b1",
    conversation_id: "c4",
    export_version: "v3",
    conversation_end_time: "2024-06-18T23:59:59.999Z",
    conversation_status: "failedEscalation",
    last_resolution: "informed",
    customer_messages_count: 5,
    not_understood_messages_count: 1,
    bot_messages_count: 0,
    triggered_intent_replies: [],
    triggered_use_cases: [],
  }),
  row({
    bot_id: "b1",
    conversation_id: "c5",
    export_version: "v2",
    conversation_end_time: "2024-06-18T12:00:00Z",
    conversation_status: "email",
    last_resolution: "undefined",
    bot_messages_count: 3,
  }),
  row({
    bot_id: "b1",
    conversation_id: "c6",
    export_version: "v3",
    conversation_end_time: "2024-06-19T00:00:00Z",
    conversation_status: "customEscalation",
    last_resolution: "escalated",
    customer_messages_count: 0,
    not_understood_messages_count: 0,
    bot_messages_count: 2,
    triggered_intent_replies: [intent("Refund", "23:00:00", false), greeting("23:30:00")],
    triggered_use_cases: [useCase("Refund")],
  }),
  // Listed out of time order: by position the first intent is Order status, by time the first meaningful one is Refund.
  row({
    bot_id: "b1",
    conversation_id: "c7",
    export_version: "v3",
    conversation_end_time: "2024-06-20T01:30:00Z",
    conversation_status: "botHandled",
    last_resolution: "resolved",
    customer_messages_count: 2,
    not_understood_messages_count: 0,
    bot_messages_count: 1,
    triggered_intent_replies: [intent("Order status", "22:00:00", false), intent("Refund", "21:00:00", false)],
    triggered_use_cases: [useCase("Order status"), useCase("Refund")],
  }),
  // Same conversation id as b1's c1, other bot: a different conversation.
  row({
    bot_id: "b2",
    conversation_id: "c1",
    export_version: "v3",
    conversation_end_time: "2024-06-18T15:00:00Z",
    conversation_status: "botHandled",
    last_resolution: "informed",
    customer_messages_count: 1,
    not_understood_messages_count: 1,
    bot_messages_count: 1,
    triggered_intent_replies: [intent("Refund", "14:59:00", false)],
  }),
];

let directory: string;
let sink: Sink;
beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), "parley-ultimate-views-"));
  sink = createDuckdbSink({ path: join(directory, "views.duckdb") });
  const target = { table: "ultimate_conversations", stream: conversationsStream };
  await sink.prepare([target]);
  await sink.writeBatch({
    loadId: "views-test",
    loadedAt: "2024-06-21T00:00:00.000Z",
    source: "ultimate",
    target,
    rows,
    rejects: [],
  });
  for (const sql of await duckdbViews()) await sink.execute(sql);
});
afterAll(async () => {
  await sink.close();
  await rm(directory, { recursive: true, force: true });
});

const query = (sql: string) => sink.query(sql);
const close = (value: number) => expect.closeTo(value, 12);

describe("ultimate views (DuckDB)", () => {
  test("ultimate_metrics: per bot and UTC day of conversation end, the seeds' metrics", async () => {
    const result = await query("SELECT * FROM ultimate_metrics ORDER BY bot_id, day");
    expect(result).toEqual([
      // b1, 2024-06-18: c1..c5. handled c1 (botHandled) + c2 (bot_handled) = 2/5; deflected = status not in
      // (email, agent, customEscalation) = c1, c2, c4 = 3/5; escalated c3 (agent), c5 (email) = 2/5; failed c4 = 1/5;
      // informed c2, c4 = 2/5; automated (informed or resolved) c1, c2, c4 = 3/5; understood: customer messages
      // 4+3+2+5 = 14 (c5 unknown), not understood 1+0+2+1 = 4, (14-4)/14 = 5/7.
      {
        bot_id: "b1",
        day: "2024-06-18",
        total_conversations: 5,
        bot_handled_conversations: 2,
        bot_handled_rate: close(0.4),
        deflection_rate: close(0.6),
        escalation_rate: close(0.4),
        failed_escalation_rate: close(0.2),
        informed_rate: close(0.4),
        automation_rate: close(0.6),
        messages_understood_rate: close(5 / 7),
      },
      // b1, 2024-06-19: c6 only (ended at midnight UTC). customEscalation: escalated 1/1; no customer messages -> NULL.
      {
        bot_id: "b1",
        day: "2024-06-19",
        total_conversations: 1,
        bot_handled_conversations: 0,
        bot_handled_rate: 0,
        deflection_rate: 0,
        escalation_rate: 1,
        failed_escalation_rate: 0,
        informed_rate: 0,
        automation_rate: 0,
        messages_understood_rate: null,
      },
      // b1, 2024-06-20: c7, handled and resolved; (2-0)/2 = 1.
      {
        bot_id: "b1",
        day: "2024-06-20",
        total_conversations: 1,
        bot_handled_conversations: 1,
        bot_handled_rate: 1,
        deflection_rate: 1,
        escalation_rate: 0,
        failed_escalation_rate: 0,
        informed_rate: 0,
        automation_rate: 1,
        messages_understood_rate: 1,
      },
      // b2, 2024-06-18: its own c1, handled and informed; (1-1)/1 = 0.
      {
        bot_id: "b2",
        day: "2024-06-18",
        total_conversations: 1,
        bot_handled_conversations: 1,
        bot_handled_rate: 1,
        deflection_rate: 1,
        escalation_rate: 0,
        failed_escalation_rate: 0,
        informed_rate: 1,
        automation_rate: 1,
        messages_understood_rate: 0,
      },
    ]);
  });

  test("ultimate_dashboard_metrics: the same with bot_messages_count > 0 (c4, the suggestion-engine one, is left out)", async () => {
    const result = await query(
      "SELECT * FROM ultimate_dashboard_metrics WHERE bot_id = 'b1' AND day = DATE '2024-06-18'",
    );
    // c1, c2, c3, c5: handled 2/4; deflected c1, c2 = 2/4; escalated c3, c5 = 2/4; failed 0/4; informed c2 = 1/4;
    // automated c1, c2 = 2/4; understood (4+3+2 - (1+0+2)) / 9 = 6/9.
    expect(result).toEqual([
      {
        bot_id: "b1",
        day: "2024-06-18",
        total_conversations: 4,
        bot_handled_conversations: 2,
        bot_handled_rate: close(0.5),
        deflection_rate: close(0.5),
        escalation_rate: close(0.5),
        failed_escalation_rate: 0,
        informed_rate: close(0.25),
        automation_rate: close(0.5),
        messages_understood_rate: close(6 / 9),
      },
    ]);
    expect(await query("SELECT COUNT(*) AS days FROM ultimate_dashboard_metrics")).toEqual([{ days: 4 }]);
  });

  test("ultimate_conversation_intents: first and last by position; seed 004's first use case beside it", async () => {
    const result = await query("SELECT * FROM ultimate_conversation_intents ORDER BY bot_id, conversation_id");
    expect(result).toEqual([
      {
        bot_id: "b1",
        conversation_id: "c1",
        first_intent: "Greeting",
        first_use_case_intent: "Refund",
        last_intent: "Talk to a human/agent",
      },
      {
        bot_id: "b1",
        conversation_id: "c2",
        first_intent: "Greeting",
        first_use_case_intent: null,
        last_intent: "Order status",
      },
      {
        bot_id: "b1",
        conversation_id: "c3",
        first_intent: "Talk to a human/agent",
        first_use_case_intent: "Talk to a human/agent",
        last_intent: "Talk to a human/agent",
      },
      { bot_id: "b1", conversation_id: "c4", first_intent: null, first_use_case_intent: null, last_intent: null },
      { bot_id: "b1", conversation_id: "c5", first_intent: null, first_use_case_intent: null, last_intent: null },
      {
        bot_id: "b1",
        conversation_id: "c6",
        first_intent: "Refund",
        first_use_case_intent: "Refund",
        last_intent: "Greeting",
      },
      {
        bot_id: "b1",
        conversation_id: "c7",
        first_intent: "Order status",
        first_use_case_intent: "Order status",
        last_intent: "Refund",
      },
      {
        bot_id: "b2",
        conversation_id: "c1",
        first_intent: "Refund",
        first_use_case_intent: null,
        last_intent: "Refund",
      },
    ]);
  });

  test("ultimate_first_meaningful_intent_metrics: Greeting, not-meaningful and 'Talk to a human/agent' skipped", async () => {
    const result = await query(
      "SELECT * FROM ultimate_first_meaningful_intent_metrics ORDER BY bot_id, first_meaningful_intent",
    );
    // b1: c1 -> Refund (Greeting and Talk to a human/agent skipped), c2 -> Order status, c3/c4/c5 -> none,
    // c6 -> Refund, c7 -> Refund (21:00 comes before Order status at 22:00). Refund: c1, c6, c7 = 3, handled c1, c7 = 2/3.
    expect(result).toEqual([
      {
        bot_id: "b1",
        first_meaningful_intent: "Order status",
        total_conversations: 1,
        bot_handled_conversations: 1,
        bot_handled_rate: 1,
      },
      {
        bot_id: "b1",
        first_meaningful_intent: "Refund",
        total_conversations: 3,
        bot_handled_conversations: 2,
        bot_handled_rate: close(2 / 3),
      },
      {
        bot_id: "b2",
        first_meaningful_intent: "Refund",
        total_conversations: 1,
        bot_handled_conversations: 1,
        bot_handled_rate: 1,
      },
    ]);
  });
});
