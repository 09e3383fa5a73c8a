import { SeededRandom } from "../server/seeded-random.ts";
import { formatDay, requireDay } from "./ultimate-dates.ts";
import { hashText, hexId, stableHexId } from "./ultimate-hashing.ts";
import type { UltimateBotDefinition } from "./ultimate-options.ts";
import { allIntents, botNames } from "./ultimate-vocabulary.ts";

export interface UltimateBot extends UltimateBotDefinition {
  /** Days since 1970-01-01 of `createdOn`. */
  readonly createdDay: number;
  /** Per-bot stable ids, so one intent keeps its id across conversations and days. */
  readonly intentIds: ReadonlyMap<string, string>;
  readonly replyIds: ReadonlyMap<string, string>;
  readonly seed: number;
}

// The first bot predates the v3 limit (2024-01-01, seed 004) so both the 400 and the 404 paths exist.
const firstBotCreatedOn = "2023-11-15";

export function generateBotDefinitions(seed: number, count: number): UltimateBotDefinition[] {
  const random = new SeededRandom(seed ^ 0x5bd1e995);
  const firstDay = requireDay(firstBotCreatedOn);
  return Array.from({ length: count }, (_, index) => ({
    id: hexId(random, 24),
    name: botNames[index % botNames.length] ?? "Bot",
    createdOn: formatDay(index === 0 ? firstDay : firstDay + random.int(30, 200)),
  }));
}

export function prepareBot(definition: UltimateBotDefinition, seed: number): UltimateBot {
  if (!/^[0-9a-zA-Z]+$/.test(definition.id)) throw new Error(`bot id must be alphanumeric: ${definition.id}`);
  const botSeed = hashText(definition.id) ^ seed;
  const intentIds = new Map<string, string>();
  const replyIds = new Map<string, string>();
  for (const intent of allIntents) {
    intentIds.set(intent.name, stableHexId(botSeed, hashText(intent.name), 1));
    replyIds.set(intent.name, stableHexId(botSeed, hashText(intent.name), 2));
  }
  return { ...definition, createdDay: requireDay(definition.createdOn), intentIds, replyIds, seed: botSeed >>> 0 };
}
