import { SeededRandom } from "../server/seeded-random.ts";
import { type AnalyticsPools, addAnalytics, createAnalyticsPools } from "./voicegain-analytics.ts";
import {
  type VoicegainAgent,
  type VoicegainCall,
  type VoicegainMarker,
  type VoicegainProfile,
  type VoicegainProgressPhase,
  type VoicegainQueue,
  voicegainDecember2024Fields,
  voicegainTelephonyFields,
} from "./voicegain-records.ts";
import { firstNames, holdNotes, lastNames, queueNames } from "./voicegain-vocabulary.ts";

export interface VoicegainGeneratorOptions {
  seed?: number;
  /** callId of the first generated call; later ids grow with small gaps (ids are shared across projects). */
  firstCallId?: number;
  /** RFC 3339 start of the first call. */
  firstStartTime?: string;
  /** Average seconds between call starts. */
  meanGapSeconds?: number;
  agentCount?: number;
  queueCount?: number;
  /** Share of calls whose processing ends in ERROR. */
  errorRate?: number;
  /** When false, `callResolved` is never present (vendor: only if resolution detection is configured). */
  resolutionDetection?: boolean;
  profile?: VoicegainProfile;
}

const dayMs = 86_400_000;
const aivrAppCount = 2;
const dnisCount = 4;

/**
 * Produces finished calls (DONE or ERROR) in ascending callId and start time. The same options always give the
 * same sequence; `telephonyView` gives the record as the API shows it while processing is still under way.
 */
export class VoicegainGenerator {
  readonly accountId: string;
  readonly contextId: string;
  readonly agents: readonly VoicegainAgent[];
  readonly queues: readonly VoicegainQueue[];
  readonly aivrAppIds: readonly string[];
  private readonly random: SeededRandom;
  private readonly options: Required<VoicegainGeneratorOptions>;
  private readonly dnis: readonly string[];
  private readonly pools: AnalyticsPools;
  /** Start times of recent calls per endpoint pair, for `dailyRepeatCalls`. */
  private readonly recentByPair = new Map<string, number[]>();
  private readonly recentPairs: [string, string][] = [];
  private nextCallId: number;
  private nextStartMs: number;
  private generated = 0;

  constructor(options: VoicegainGeneratorOptions = {}) {
    this.options = {
      seed: options.seed ?? 1,
      firstCallId: options.firstCallId ?? 10_001,
      firstStartTime: options.firstStartTime ?? "2024-05-01T12:00:00Z",
      meanGapSeconds: options.meanGapSeconds ?? 150,
      agentCount: options.agentCount ?? 24,
      queueCount: Math.min(options.queueCount ?? 5, queueNames.length),
      errorRate: options.errorRate ?? 0.01,
      resolutionDetection: options.resolutionDetection ?? true,
      profile: options.profile ?? "2026",
    };
    this.random = new SeededRandom(this.options.seed);
    this.nextCallId = this.options.firstCallId;
    this.nextStartMs = Date.parse(this.options.firstStartTime);
    if (Number.isNaN(this.nextStartMs)) throw new Error(`firstStartTime is not a date: ${this.options.firstStartTime}`);
    this.accountId = this.uuid();
    this.contextId = this.uuid();
    this.agents = Array.from({ length: this.options.agentCount }, () => this.createAgent());
    this.queues = Array.from({ length: this.options.queueCount }, (_, index) => ({
      queueId: this.uuid(),
      name: queueNames[index] as string,
    }));
    this.aivrAppIds = Array.from({ length: aivrAppCount }, () => this.uuid());
    this.dnis = Array.from({ length: dnisCount }, () => `1${this.random.int(200, 989)}${this.digits(7)}`);
    this.pools = createAnalyticsPools(this.random);
  }

  /** The next finished call. */
  next(): VoicegainCall {
    const random = this.random;
    const callId = this.nextCallId;
    this.nextCallId += random.chance(0.1) ? random.int(2, 6) : 1;
    const startMs = this.nextStartMs;
    this.nextStartMs += Math.max(1, Math.round(-Math.log(1 - random.next()) * this.options.meanGapSeconds)) * 1000;
    this.generated += 1;

    const direction = random.chance(0.75) ? "inbound" : "outbound";
    const [externalEndpoint, internalEndpoint] = this.pickEndpoints();
    const duration = random.chance(0.08) ? random.int(900, 3600) : random.int(20, 600);
    const call: VoicegainCall = {
      callId: String(callId),
      accountId: this.accountId,
      contextId: this.contextId,
      startTime: isoSeconds(startMs),
      endTime: isoSeconds(startMs + duration * 1000),
      duration,
      direction,
      externalEndpoint,
      internalEndpoint,
      recording: this.uuid(),
      saSessionId: this.letters(20),
      language: random.chance(0.85) ? "en" : "es",
      numAudioChannels: 2,
      numSpkChannels: 2,
      version: 2,
      progressPhase: "DONE",
      auditStatus: "not_started",
      callCenterCallId: String(random.int(1_000_000_000, 2_999_999_999)),
    };
    const voicebot = direction === "inbound" && random.chance(0.3);
    if (voicebot) {
      call.aivrAppId = random.pick(this.aivrAppIds);
      call.aivrSessionId = this.uuid();
      if (random.chance(0.4)) {
        call.dtmfEvents = [{ dtmf: String(random.int(0, 9)), timestamp: random.int(2000, 15_000), channel: "left" }];
      }
    }
    this.addRouting(call, direction, voicebot, duration);
    if (random.chance(this.options.errorRate)) return this.finish(this.telephonyView(call, "ERROR"));
    const pair = [externalEndpoint, internalEndpoint].join(">");
    addAnalytics(random, call, {
      dailyRepeatCalls: this.countRepeats(pair, startMs),
      resolutionDetection: this.options.resolutionDetection,
      pools: this.pools,
      uuid: () => this.uuid(),
    });
    return this.finish(call);
  }

  /** How the API shows `call` while it is in `phase` (no speech analytics fields yet), or after it failed. */
  telephonyView(call: VoicegainCall, phase: VoicegainProgressPhase): VoicegainCall {
    const view: VoicegainCall = { callId: call.callId };
    const target = view as unknown as Record<string, unknown>;
    const source = call as unknown as Record<string, unknown>;
    for (const field of voicegainTelephonyFields) {
      if (source[field] !== undefined) target[field] = source[field];
    }
    view.progressPhase = phase;
    return view;
  }

  private addRouting(call: VoicegainCall, direction: string, voicebot: boolean, duration: number): void {
    const random = this.random;
    const durationMs = duration * 1000;
    if (direction === "outbound") {
      call.agent = random.pick(this.agents);
      call.whoHungUp = random.chance(0.5) ? "us" : "other_party";
      return;
    }
    call.queue = random.pick(this.queues);
    const answerMs = random.int(300, Math.min(20_000, durationMs / 4));
    const queueWaitMs = random.int(1000, Math.min(90_000, durationMs / 3));
    call.queueWaitMs = queueWaitMs;
    call.businessOpenState = random.weighted([
      ["open", 8],
      ["off-hours", 1],
      ["closed", 1],
    ] as const);
    if (random.chance(0.06)) {
      call.abandoned = true;
      call.whoHungUp = "other_party";
      call.markers = [{ time: answerMs, type: "CC_ANSWER" }];
      return;
    }
    call.agent = random.pick(this.agents);
    call.whoHungUp = random.chance(0.5) ? "us" : "other_party";
    if (voicebot) call.aivrTransferDestType = random.chance(0.8) ? "Internal" : "Agency";
    // Seed 002's example lists CC_AGENT_ANSWER before CC_ANSWER: markers are not sorted by time.
    const agentAnswerMs = answerMs + queueWaitMs;
    const markers: VoicegainMarker[] = [
      { time: agentAnswerMs, type: "CC_AGENT_ANSWER" },
      { time: answerMs, type: "CC_ANSWER" },
    ];
    const room = durationMs - agentAnswerMs;
    if (room > 60_000 && random.chance(0.15)) {
      const holdMs = agentAnswerMs + random.int(5000, room / 2);
      markers.push({ time: holdMs, type: "HOLD", note: random.pick(holdNotes) });
      markers.push({ time: holdMs + random.int(5000, room / 3), type: "UNHOLD" });
    }
    if (room > 30_000 && random.chance(0.04)) {
      const transferMs = durationMs - random.int(10_000, 25_000);
      markers.push({ time: transferMs, type: "WARM_TRANSFER_START", note: `to ${random.pick(queueNames)}` });
      markers.push({ time: transferMs + random.int(2000, 8000), type: "WARM_TRANSFER_SUCCESS" });
    }
    call.markers = markers;
  }

  /** Mostly new callers; some call again soon after, which is what `dailyRepeatCalls` counts. */
  private pickEndpoints(): [string, string] {
    const random = this.random;
    if (this.recentPairs.length > 0 && random.chance(0.12)) return random.pick(this.recentPairs);
    const pair: [string, string] = [
      ["+1", String(random.int(201, 989)), this.digits(7)].join(""),
      random.pick(this.dnis),
    ];
    this.recentPairs.push(pair);
    if (this.recentPairs.length > 50) this.recentPairs.shift();
    return pair;
  }

  private countRepeats(pair: string, startMs: number): number {
    const known = this.recentByPair.get(pair);
    const previous = known === undefined ? [] : known.filter((time) => time > startMs - dayMs);
    previous.push(startMs);
    this.recentByPair.set(pair, previous);
    if (this.generated % 5000 === 0) {
      for (const [key, times] of this.recentByPair) {
        if ((times[times.length - 1] ?? 0) <= startMs - dayMs) this.recentByPair.delete(key);
      }
    }
    return previous.length - 1;
  }

  private finish(call: VoicegainCall): VoicegainCall {
    if (this.options.profile === "2026") return call;
    const kept: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(call)) {
      if (voicegainDecember2024Fields.has(key)) kept[key] = value;
    }
    return kept as unknown as VoicegainCall;
  }

  private createAgent(): VoicegainAgent {
    const first = this.random.pick(firstNames);
    const last = this.random.pick(lastNames);
    const userId = this.uuid();
    // The SDK says agentId defaults to userId when the call center supplies none.
    const agentId = this.random.chance(0.5) ? userId : `ext-${this.digits(16)}`;
    const email = `${first}.${last}`.toLowerCase().replace(/[^a-z.]/g, "");
    return {
      agentId,
      email: `${email}@example.com`,
      name: `${first} ${last}`,
      userId,
      channel: this.random.chance(0.85) ? "right" : "left",
    };
  }

  /** A version-4-shaped UUID from four draws (SeededRandom.uuid draws 32 times; too slow for 200,000 calls). */
  private uuid(): string {
    const word = (): string => ((this.random.next() * 0x1_0000_0000) >>> 0).toString(16).padStart(8, "0");
    const [a, b, c, d] = [word(), word(), word(), word()];
    // join() yields one flat string; template literals would keep a rope of nine pieces per id in memory.
    return [a, "-", b.slice(0, 4), "-4", b.slice(5, 8), "-a", c.slice(1, 4), "-", c.slice(4), d].join("");
  }

  private digits(count: number): string {
    return this.characters(count, "0123456789");
  }

  private letters(count: number): string {
    return this.characters(count, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");
  }

  private characters(count: number, alphabet: string): string {
    const codes: number[] = [];
    for (let index = 0; index < count; index += 1)
      codes.push(alphabet.charCodeAt(this.random.int(0, alphabet.length - 1)));
    return String.fromCharCode(...codes);
  }
}

/** RFC 3339 UTC without fractional seconds, e.g. `2024-05-12T23:15:45Z` (vendor-apis §2.9). */
export function isoSeconds(epochMs: number): string {
  const dayStart = Math.floor(epochMs / dayMs) * dayMs;
  if (dayStart !== cachedDayStart) {
    cachedDayStart = dayStart;
    cachedDay = new Date(dayStart).toISOString().slice(0, 11);
  }
  const seconds = Math.floor((epochMs - dayStart) / 1000);
  const two = (value: number): string => (value < 10 ? `0${value}` : String(value));
  return [
    cachedDay,
    two(Math.floor(seconds / 3600)),
    ":",
    two(Math.floor(seconds / 60) % 60),
    ":",
    two(seconds % 60),
    "Z",
  ].join("");
}

let cachedDayStart = Number.NaN;
let cachedDay = "";
