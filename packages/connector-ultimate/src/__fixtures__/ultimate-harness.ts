import { type JsonValue, type ReadContext, type Source, silentLogger } from "@parley/core";
import type { SourceHarness, SourceScenario } from "@parley/core/testing";
import { createUltimateEmulator, type UltimateEmulator, type UltimateEmulatorOptions } from "@parley/sandbox/ultimate";
import { ultimateSourceFactory } from "../ultimate-source.ts";

/** The emulator's clock in tests: the export of 2024-06-19 is the latest complete day. */
export const testNow = "2024-06-20T09:00:00Z";

export async function startEmulator(options: UltimateEmulatorOptions = {}): Promise<UltimateEmulator> {
  return createUltimateEmulator({ seed: 7, now: testNow, conversationsPerDay: { min: 5, max: 12 }, ...options });
}

/** Settings pointing at `emulator` for its first `bots` bots. */
export function settingsFor(
  emulator: UltimateEmulator,
  overrides: Record<string, unknown> = {},
  bots = 2,
): Record<string, unknown> {
  return {
    organizationId: emulator.organizationId,
    botIds: emulator.bots.slice(0, bots).map((bot) => bot.id),
    token: emulator.apiKey,
    baseUrl: emulator.url,
    startDate: "2024-06-14",
    ...overrides,
  };
}

/** Distinct (bot, conversation) keys the emulator serves for these bots and days. */
export function expectedKeys(
  emulator: UltimateEmulator,
  botIds: readonly string[],
  days: readonly string[],
): Set<string> {
  const keys = new Set<string>();
  for (const botId of botIds)
    for (const day of days)
      for (const record of emulator.records(botId, day)) keys.add(`${botId}/${String(record.conversation_id)}`);
  return keys;
}

export const ultimateHarness: SourceHarness = {
  factory: ultimateSourceFactory,
  async start(): Promise<SourceScenario> {
    // Two files per day, duplicates within a day, and a day before the bot existed (404) in the range.
    const emulator = await startEmulator({
      duplicatesPerDay: 2,
      bots: [
        { id: "aaaaaaaaaaaaaaaaaaaaaaa1", name: "Support", createdOn: "2024-06-01" },
        { id: "aaaaaaaaaaaaaaaaaaaaaaa2", name: "Sales", createdOn: "2024-06-16" },
      ],
    });
    const settings = settingsFor(emulator);
    const botIds = settings.botIds as string[];
    const days = ["2024-06-14", "2024-06-15", "2024-06-16", "2024-06-17", "2024-06-18", "2024-06-19"];
    let lastTwoDays = 0;
    for (const botId of botIds)
      for (const day of days.slice(-2)) lastTwoDays += [...emulator.records(botId, day)].length;
    return {
      settings,
      badCredentialSettings: { ...settings, token: "not-the-sandbox-key" },
      secrets: [emulator.apiKey, "not-the-sandbox-key"],
      expectedKeys: { conversations: expectedKeys(emulator, botIds, days).size },
      // The lookback (2 days) reads the last two days again by design; the merge makes that harmless.
      rereadAfterFinalState: lastTwoDays,
      now: () => new Date(testNow),
      stop: () => emulator.close(),
    };
  },
  invalidSettings: [
    {
      settings: {
        organizationId: "77m57af6811115b53172431s",
        botIds: ["98174e8d635471c383b9ec7b"],
        token: "t",
        startDate: "2024-06-01",
        region: "eu",
        baseUrl: "http://localhost:1",
      },
      path: "baseUrl",
    },
    {
      settings: {
        organizationId: "77m57af6811115b53172431s",
        botIds: ["98174e8d635471c383b9ec7b"],
        token: "t",
        startDate: "2023-12-31",
      },
      path: "startDate",
    },
    {
      settings: {
        organizationId: "77m57af6811115b53172431s",
        botIds: "98174e8d635471c383b9ec7b",
        token: "t",
        startDate: "2024-02-30",
      },
      path: "startDate",
    },
    { settings: { botIds: ["98174e8d635471c383b9ec7b"], token: "t", startDate: "2024-06-01" }, path: "organizationId" },
    {
      settings: { organizationId: "77m57af6811115b53172431s", botIds: [], token: "t", startDate: "2024-06-01" },
      path: "botIds",
    },
    {
      settings: {
        organizationId: "77m57af6811115b53172431s",
        botIds: ["98174e8d635471c383b9ec7b"],
        token: "t",
        startDate: "2024-06-01",
        authScheme: "basic",
      },
      path: "authScheme",
    },
    {
      settings: {
        organizationId: "77m57af6811115b53172431s",
        botIds: ["98174e8d635471c383b9ec7b"],
        token: "t",
        startDate: "2024-06-01",
        endDate: "2024-05-01",
      },
      path: "endDate",
    },
    { settings: { files: "./exports/*.json", token: "t" }, path: "token" },
  ],
};

export interface ReadResult {
  readonly records: Record<string, unknown>[];
  readonly rejects: { raw: unknown; reason: string }[];
  readonly checkpoints: JsonValue[];
  readonly notes: string[];
  /** The waits the source reported to the run's progress (rate limits, backoff). */
  readonly waits: { milliseconds: number; reason: string }[];
}

/** Reads a source to the end (or until `onRecord` aborts), collecting what it emits. */
export async function readSource(
  source: Source,
  options: { state?: JsonValue | undefined; now?: string; onRecord?: (count: number) => void } = {},
): Promise<ReadResult> {
  const result: ReadResult = { records: [], rejects: [], checkpoints: [], notes: [], waits: [] };
  const context: ReadContext = {
    state: new Map(options.state === undefined ? [] : [["conversations", options.state]]),
    streams: new Set(["conversations"]),
    logger: silentLogger,
    signal: new AbortController().signal,
    progress: (event) => {
      if (event.kind === "note") result.notes.push(event.message);
      if (event.kind === "waiting") result.waits.push({ milliseconds: event.milliseconds, reason: event.reason });
    },
    now: () => new Date(options.now ?? testNow),
  };
  for await (const message of source.read(context)) {
    if (message.kind === "record") {
      result.records.push(message.record as Record<string, unknown>);
      options.onRecord?.(result.records.length);
    } else if (message.kind === "reject") result.rejects.push({ raw: message.raw, reason: message.reason });
    else if (message.kind === "checkpoint") result.checkpoints.push(message.state);
  }
  return result;
}

export function keysOf(records: readonly Record<string, unknown>[]): string[] {
  return records.map((record) => `${String(record.bot_id)}/${String(record.conversation_id)}`);
}
