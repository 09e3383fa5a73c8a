import { createCcaiSource } from "@parley/connector-ccai";
import { createUltimateSource } from "@parley/connector-ultimate";
import { callsStream, voicegainConfigSchema, voicegainSourceFactory } from "@parley/connector-voicegain";
import { createRecordValidator, type Sink, type Source, silentLogger } from "@parley/core";
import { runSync } from "@parley/runner";
import { createCcaiEmulator } from "@parley/sandbox/ccai";
import { createUltimateEmulator } from "@parley/sandbox/ultimate";
import { createVoicegainEmulator } from "@parley/sandbox/voicegain";

/** One connector against its seeded emulator: what the config file says, and a sync of everything into a sink. */
export interface ConnectorScenario {
  /** Source entries for a `parley` config (`{name: {type, ...settings}}`). */
  readonly sources: Record<string, Record<string, unknown>>;
  /** The table the connector writes, with its key: the data both sinks must hold identically. */
  readonly table: { readonly name: string; readonly key: readonly string[] };
  /** Syncs every configured source into `sink` with the runner's engine (the sink stays open). */
  load(sink: Sink): Promise<void>;
  close(): Promise<void>;
}

export type ConnectorType = "ultimate" | "voicegain" | "ccai";

async function syncAll(
  sink: Sink,
  runs: readonly { sourceName: string; source: Source; tablePrefix: string; now?: () => Date }[],
): Promise<void> {
  for (const run of runs) {
    const result = await runSync({ ...run, sink, logger: silentLogger, batchRows: 250 });
    if (result.status !== "succeeded") throw result.error;
  }
}

/**
 * Ultimate: two bots over six export days. The first is read through the v3 API, the second through the
 * legacy v2 API, so both export generations land in one table (as the views expect). The clock is pinned:
 * the connector picks the days it reads from it.
 */
async function ultimateScenario(): Promise<ConnectorScenario> {
  const now = "2024-06-20T09:00:00Z";
  const emulator = await createUltimateEmulator({
    seed: 7,
    now,
    bots: 2,
    conversationsPerDay: { min: 15, max: 30 },
    duplicatesPerDay: 2,
  });
  const common = {
    organizationId: emulator.organizationId,
    token: emulator.apiKey,
    baseUrl: emulator.url,
    startDate: "2024-06-14",
  };
  const [v3Bot, v2Bot] = emulator.bots.map((bot) => bot.id);
  const sources = {
    support_v3: { ...common, botIds: [v3Bot as string] },
    support_v2: { ...common, botIds: [v2Bot as string], apiVersion: "v2" },
  };
  return {
    sources: Object.fromEntries(
      Object.entries(sources).map(([name, settings]) => [name, { type: "ultimate", ...settings }]),
    ),
    table: { name: "ultimate_conversations", key: ["bot_id", "conversation_id"] },
    load: (sink) =>
      syncAll(
        sink,
        Object.entries(sources).map(([sourceName, settings]) => ({
          sourceName,
          source: createUltimateSource(settings as never),
          tablePrefix: "ultimate",
          now: () => new Date(now),
        })),
      ),
    close: () => emulator.close(),
  };
}

/**
 * Calls the emulator never makes: it sets neither spawnedCalls nor originatingCallId (fields of the JSON export),
 * so a warm-transfer pair (a call that launched a leg, and the leg) plus lists the views must read safely (an empty
 * spawned_calls list, no markers, a topic listed twice) are added to what the connector loaded, as stored rows.
 */
const transferCalls: Record<string, unknown>[] = [
  {
    call_id: 990_001,
    start_time: "2024-05-01T12:30:00.000Z",
    queue_id: "parity-queue",
    agent_id: "parity-agent",
    direction: "inbound",
    duration: 240,
    sentiment: 0.25,
    call_resolved: true,
    daily_repeat_calls: 0,
    progress_phase: "DONE",
    markers: [{ time: 1000, type: "CC_ANSWER", note: null }],
    spawned_calls: [990_002],
    topics: ["Billing", "Billing"],
  },
  {
    call_id: 990_002,
    start_time: "2024-05-01T12:34:00.000Z",
    queue_id: null,
    agent_id: "parity-agent",
    direction: "outbound",
    duration: 60,
    daily_repeat_calls: 1,
    progress_phase: "DONE",
    originating_call_id: 990_001,
    markers: null,
    spawned_calls: [],
    topics: [],
  },
];

async function writeCalls(sink: Sink, records: readonly Record<string, unknown>[]): Promise<void> {
  const validate = createRecordValidator(callsStream);
  const rows = records.map((record) => {
    const validated = validate(record);
    if (!validated.ok) throw new Error(validated.reason);
    return validated.row;
  });
  await sink.writeBatch({
    loadId: "parity-transfer-calls",
    loadedAt: "2024-05-03T00:00:00.000Z",
    source: "calls",
    target: { table: "voicegain_calls", stream: callsStream },
    rows,
    rejects: [],
  });
}

/** Voicegain: 400 calls of the JSON export (the only format with spawned_calls), a few still in flight. */
async function voicegainScenario(): Promise<ConnectorScenario> {
  const emulator = await createVoicegainEmulator({
    seed: 5,
    callCount: 400,
    inFlight: 2,
    rateLimits: false,
    profile: "2024-12",
  });
  const settings = {
    token: emulator.token,
    fromTime: "2024-05-01T00:00:00Z",
    baseUrl: emulator.apiUrl,
    format: "json",
    perPage: 100,
    timeZone: "America/Chicago",
    rateLimit: false,
  };
  return {
    sources: { calls: { type: "voicegain", ...settings } },
    table: { name: "voicegain_calls", key: ["call_id"] },
    async load(sink) {
      await syncAll(sink, [
        {
          sourceName: "calls",
          source: voicegainSourceFactory.create(voicegainConfigSchema.parse(settings)),
          tablePrefix: "voicegain",
        },
      ]);
      await writeCalls(sink, transferCalls);
    },
    close: () => emulator.close(),
  };
}

/** CCAI Insights: 150 conversations (calls and chats, analysed or not), frozen clock. */
async function ccaiScenario(): Promise<ConnectorScenario> {
  const token = "ccai-parity-token";
  const emulator = await createCcaiEmulator({
    seed: 11,
    conversations: 150,
    clock: "frozen",
    clockStart: "2024-06-01T00:00:00Z",
    tokens: [token],
  });
  const settings = { project: "parley-sandbox", baseUrl: emulator.url, accessToken: token, pageSize: 40 };
  return {
    sources: { insights: { type: "ccai", ...settings } },
    table: { name: "ccai_conversations", key: ["conversationName"] },
    load: (sink) =>
      syncAll(sink, [
        {
          sourceName: "insights",
          source: createCcaiSource(settings),
          tablePrefix: "ccai",
          now: () => emulator.clock.now(),
        },
      ]),
    close: () => emulator.close(),
  };
}

export const connectorScenarios: Record<ConnectorType, () => Promise<ConnectorScenario>> = {
  ultimate: ultimateScenario,
  voicegain: voicegainScenario,
  ccai: ccaiScenario,
};
