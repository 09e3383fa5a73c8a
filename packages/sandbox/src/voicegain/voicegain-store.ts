import { SeededRandom } from "../server/seeded-random.ts";
import { isoSeconds, VoicegainGenerator, type VoicegainGeneratorOptions } from "./voicegain-generator.ts";
import type { VoicegainCall, VoicegainProgressPhase } from "./voicegain-records.ts";

export interface VoicegainDataOptions extends VoicegainGeneratorOptions {
  /** Calls present at start (default 500). */
  callCount?: number;
  /** Of those, how many are still being processed; they sit among the last few calls (default 3). */
  inFlight?: number;
}

/** What a QA review or a recompute may change on a finished call. */
export type VoicegainReviewChanges = Partial<
  Pick<
    VoicegainCall,
    | "score"
    | "reviewStatus"
    | "reviewNotes"
    | "crAnswersId"
    | "auditStatus"
    | "topics"
    | "keywords"
    | "tags"
    | "notes"
    | "callResolved"
  >
>;

const inFlightPhases: readonly (readonly [VoicegainProgressPhase, number])[] = [
  ["PROCESSING", 5],
  ["QUEUED", 2],
  ["FETCHING", 1],
  ["FETCHED", 1],
  ["ACCEPTED", 1],
];

/** The emulator's calls in ascending callId, with the finished form of each call still in flight. */
export class VoicegainStore {
  readonly generator: VoicegainGenerator;
  private readonly calls: VoicegainCall[] = [];
  private readonly positions = new Map<string, number>();
  private readonly finals = new Map<string, VoicegainCall>();
  /** Separate from the generator's stream so the data does not depend on how many calls are in flight. */
  private readonly phaseRandom: SeededRandom;
  private readonly recomputeFields: boolean;

  constructor(options: VoicegainDataOptions = {}) {
    this.generator = new VoicegainGenerator(options);
    this.phaseRandom = new SeededRandom((options.seed ?? 1) ^ 0x5bd1e995);
    this.recomputeFields = (options.profile ?? "2026") === "2026";
    const count = options.callCount ?? 500;
    const inFlight = Math.min(options.inFlight ?? 3, count);
    for (let index = 0; index < count; index += 1) this.push(this.generator.next());
    const window = Math.min(count, Math.max(10, inFlight * 3));
    const candidates = Array.from({ length: window }, (_, offset) => count - window + offset);
    for (let chosen = 0; chosen < inFlight; chosen += 1) {
      const [position] = candidates.splice(this.phaseRandom.int(0, candidates.length - 1), 1);
      if (position !== undefined) this.startProcessing(position);
    }
  }

  /** The live list (do not mutate); records are replaced, never changed in place. */
  all(): readonly VoicegainCall[] {
    return this.calls;
  }

  get(callId: string): VoicegainCall | undefined {
    const position = this.positions.get(callId);
    return position === undefined ? undefined : this.calls[position];
  }

  /** Calls not yet DONE or ERROR, oldest first. */
  inFlight(): VoicegainCall[] {
    return [...this.finals.keys()].map((callId) => this.get(callId) as VoicegainCall);
  }

  /** New calls arrive; by default they are still being processed. */
  add(count: number, options: { inFlight?: boolean } = {}): VoicegainCall[] {
    const added: VoicegainCall[] = [];
    for (let index = 0; index < count; index += 1) {
      const position = this.push(this.generator.next());
      if (options.inFlight ?? true) this.startProcessing(position);
      added.push(this.calls[position] as VoicegainCall);
    }
    return added;
  }

  /** Finishes the `count` oldest calls in flight (DONE, or ERROR as the generator decided). */
  advance(count = 1): VoicegainCall[] {
    const finished: VoicegainCall[] = [];
    for (const [callId, final] of [...this.finals].slice(0, count)) {
      this.finals.delete(callId);
      this.replace(final);
      finished.push(final);
    }
    return finished;
  }

  completeInFlight(): VoicegainCall[] {
    return this.advance(this.finals.size);
  }

  review(callId: string, changes: VoicegainReviewChanges, nowMs: number): VoicegainCall {
    const call = this.get(callId);
    if (!call) throw new Error(`no call ${callId}`);
    if (call.progressPhase !== "DONE") throw new Error(`call ${callId} is ${call.progressPhase}, not DONE`);
    const updated: VoicegainCall = { ...call, ...changes };
    if (this.recomputeFields && (changes.topics !== undefined || changes.keywords !== undefined)) {
      updated.recomputePhase = "completed";
      updated.lastRecomputeTime = isoSeconds(nowMs);
    }
    this.replace(updated);
    return updated;
  }

  private push(call: VoicegainCall): number {
    this.calls.push(call);
    this.positions.set(call.callId, this.calls.length - 1);
    return this.calls.length - 1;
  }

  private startProcessing(position: number): void {
    const final = this.calls[position] as VoicegainCall;
    this.finals.set(final.callId, final);
    this.calls[position] = this.generator.telephonyView(final, this.phaseRandom.weighted(inFlightPhases));
    // Keep `finals` in callId order so `advance` finishes the oldest first.
    const ordered = [...this.finals].sort(([left], [right]) => Number(left) - Number(right));
    this.finals.clear();
    for (const [callId, call] of ordered) this.finals.set(callId, call);
  }

  private replace(call: VoicegainCall): void {
    const position = this.positions.get(call.callId);
    if (position !== undefined) this.calls[position] = call;
  }
}
