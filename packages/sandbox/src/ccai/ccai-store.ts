import type { CcaiGenerator } from "./ccai-generator.ts";
import type { CcaiConversation, CcaiFullConversation } from "./ccai-records.ts";

/**
 * The emulator's clock. It starts at a fixed instant so data and timestamps repeat for a seed; "running" then follows
 * the wall clock (so quota windows pass in the demo), "frozen" only moves through `advance`/`set` (tests).
 */
export class CcaiClock {
  private startMicros: number;
  private readonly startedAt = performance.now();
  private readonly frozen: boolean;

  constructor(startMicros: number, mode: "running" | "frozen") {
    this.startMicros = startMicros;
    this.frozen = mode === "frozen";
  }

  nowMicros(): number {
    const elapsed = this.frozen ? 0 : Math.floor((performance.now() - this.startedAt) * 1000);
    return this.startMicros + elapsed;
  }

  now(): Date {
    return new Date(Math.floor(this.nowMicros() / 1000));
  }

  advance(milliseconds: number): void {
    this.startMicros += Math.round(milliseconds * 1000);
  }

  set(time: string | Date): void {
    this.startMicros += new Date(time).getTime() * 1000 - this.nowMicros();
  }
}

/** Conversations in creation order, with the mutations the controls offer. */
export class CcaiStore {
  private readonly records: CcaiConversation[] = [];
  private readonly byId = new Map<string, CcaiConversation>();
  private readonly generator: CcaiGenerator;
  private readonly clock: CcaiClock;

  constructor(generator: CcaiGenerator, clock: CcaiClock) {
    this.generator = generator;
    this.clock = clock;
  }

  add(count: number): CcaiConversation[] {
    const added: CcaiConversation[] = [];
    for (let step = 0; step < count; step += 1) {
      const conversation = this.generator.conversation(this.records.length);
      // Ids are 19 random digits; a clash is improbable, but an id must stay unique.
      while (this.byId.has(conversation.id)) conversation.id = `${conversation.id}${conversation.index}`;
      this.records.push(conversation);
      this.byId.set(conversation.id, conversation);
      added.push(conversation);
    }
    return added;
  }

  all(): readonly CcaiConversation[] {
    return this.records;
  }

  get(id: string): CcaiConversation | undefined {
    return this.byId.get(id);
  }

  full(conversation: CcaiConversation): CcaiFullConversation {
    return { ...conversation, transcript: this.generator.transcript(conversation) };
  }

  /** Accepts an id or any resource name ending in `conversations/{id}`. */
  resolve(idOrName: string): CcaiConversation {
    const id = idOrName.split("/conversations/").at(-1) ?? idOrName;
    const conversation = this.byId.get(id);
    if (!conversation) throw new Error(`no conversation ${idOrName}`);
    return conversation;
  }

  /** The next update time: the clock, but always after the previous update so `update_time>` sees the change. */
  private nextUpdate(conversation: CcaiConversation): number {
    return Math.max(this.clock.nowMicros(), conversation.updateTimeMicros + 1000);
  }

  touch(idOrName: string): CcaiConversation {
    const conversation = this.resolve(idOrName);
    conversation.updateTimeMicros = this.nextUpdate(conversation);
    return conversation;
  }

  /** Adds a new analysis (new sentiment, entity, issue values) finished now; it becomes latestAnalysis. */
  reanalyze(idOrName: string): CcaiConversation {
    const conversation = this.resolve(idOrName);
    const finished = this.nextUpdate(conversation);
    conversation.analyses.push(this.generator.analysis(conversation, conversation.analyses.length, finished));
    conversation.updateTimeMicros = finished;
    return conversation;
  }
}
