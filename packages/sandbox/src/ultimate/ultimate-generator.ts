import { generateBotDefinitions, prepareBot, type UltimateBot } from "./ultimate-bots.ts";
import { generateConversation } from "./ultimate-conversation.ts";
import { dayMilliseconds, requireDay } from "./ultimate-dates.ts";
import { mixSeed } from "./ultimate-hashing.ts";
import {
  type ResolvedDataOptions,
  resolveDataOptions,
  type UltimateApiVersion,
  type UltimateDataOptions,
} from "./ultimate-options.ts";
import { createRecordLayout, type RecordLayout, recordText, type UltimateRecord } from "./ultimate-record-shape.ts";

/** Which records a (bot, day) export holds at a given moment, and how they split into files. */
export interface UltimateDayPlan {
  readonly bot: UltimateBot;
  readonly day: number;
  /** Conversations that ended that day once the file has settled. */
  readonly settledCount: number;
  /** Of those, how many the file holds at the moment asked (fewer before the late arrivals settle). */
  readonly visibleCount: number;
  /** Record indexes repeated at the end of the day (vendor-apis §3.7). */
  readonly duplicates: readonly number[];
  readonly files: number;
}

export interface UltimateRecordQuery {
  readonly version?: UltimateApiVersion;
  /** The moment the file is read; only matters with late arrivals. Default: settled. */
  readonly at?: Date;
  /** Only the records of this file (0-based); default: every file of the day in order. */
  readonly file?: number;
}

/**
 * Deterministic conversations per (bot, day). Every record has its own random stream, so any file or record
 * can be produced without producing the ones before it.
 */
export class UltimateGenerator {
  readonly options: ResolvedDataOptions;
  readonly bots: readonly UltimateBot[];
  private readonly layouts: Readonly<Record<UltimateApiVersion, RecordLayout>>;

  constructor(options: UltimateDataOptions = {}) {
    this.options = resolveDataOptions(options);
    const definitions =
      typeof this.options.bots === "number"
        ? generateBotDefinitions(this.options.seed, this.options.bots)
        : this.options.bots;
    this.bots = definitions.map((definition) => prepareBot(definition, this.options.seed));
    this.layouts = { v2: createRecordLayout("v2", this.options), v3: createRecordLayout("v3", this.options) };
  }

  bot(botId: string): UltimateBot | undefined {
    return this.bots.find((bot) => bot.id === botId);
  }

  plan(botId: string, date: string | number, at?: Date): UltimateDayPlan {
    const bot = this.bot(botId);
    if (!bot) throw new Error(`unknown bot ${botId}`);
    const day = typeof date === "number" ? date : requireDay(date);
    const settledCount = day < bot.createdDay ? 0 : this.settledCount(bot, day);
    const visibleCount = settledCount - this.lateCount(day, settledCount, at);
    const duplicates =
      visibleCount === 0
        ? []
        : Array.from(
            { length: this.options.duplicatesPerDay },
            (_, copy) => mixSeed(bot.seed, day, 0xd0b1e, copy) % visibleCount,
          );
    return { bot, day, settledCount, visibleCount, duplicates, files: this.options.filesPerDay };
  }

  /** Positions [start, end) of the day's record list that file `file` holds. */
  fileRange(plan: UltimateDayPlan, file: number): readonly [number, number] {
    const length = plan.visibleCount + plan.duplicates.length;
    return [Math.floor((file * length) / plan.files), Math.floor(((file + 1) * length) / plan.files)];
  }

  *records(botId: string, date: string | number, query: UltimateRecordQuery = {}): Generator<UltimateRecord> {
    const plan = this.plan(botId, date, query.at);
    const version = query.version ?? "v3";
    const first = query.file ?? 0;
    const last = query.file ?? plan.files - 1;
    for (let file = first; file <= last; file++) {
      const [start, end] = this.fileRange(plan, file);
      for (let position = start; position < end; position++) yield this.recordAt(plan, position, version);
    }
  }

  recordAt(plan: UltimateDayPlan, position: number, version: UltimateApiVersion): UltimateRecord {
    return JSON.parse(this.recordTextAt(plan, position, version)) as UltimateRecord;
  }

  /** The compact JSON text of the record at `position` in the day's list, as the files carry it. */
  recordTextAt(plan: UltimateDayPlan, position: number, version: UltimateApiVersion): string {
    const index = position < plan.visibleCount ? position : (plan.duplicates[position - plan.visibleCount] ?? 0);
    return recordText(plan.bot, generateConversation(plan.bot, plan.day, index), this.layouts[version]);
  }

  private settledCount(bot: UltimateBot, day: number): number {
    const perDay = this.options.conversationsPerDay;
    if (typeof perDay === "number") return perDay;
    return perDay.min + (mixSeed(bot.seed, day, 0xc0117) % (perDay.max - perDay.min + 1));
  }

  // Late records are the tail of the day, so the early file is a prefix of the settled one.
  private lateCount(day: number, settledCount: number, at: Date | undefined): number {
    const late = this.options.lateArrivals;
    if (!late || at === undefined) return 0;
    const settledAt = (day + 1) * dayMilliseconds + late.settledAfterMinutes * 60_000;
    return at.getTime() < settledAt ? Math.ceil(late.share * settledCount) : 0;
  }
}
