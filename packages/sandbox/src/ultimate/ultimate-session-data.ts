import type { SeededRandom } from "../server/seeded-random.ts";
import { hexId } from "./ultimate-hashing.ts";
import { asciiLetters, quoted } from "./ultimate-json-text.ts";
import * as vocabulary from "./ultimate-vocabulary.ts";

const firstNamesAscii = vocabulary.firstNames.map((name) => asciiLetters(name).toLowerCase());
const lastNamesAscii = vocabulary.lastNames.map((name) => asciiLetters(name).toLowerCase());
const bsatScores: readonly (readonly [string, number])[] = [
  ["null", 50],
  ["-1", 10],
  ["1", 4],
  ["2", 4],
  ["3", 8],
  ["4", 10],
  ["5", 14],
];

/**
 * The bot's session parameters as JSON text (seed 004 example): keys only where the bot set a value (seed 003),
 * PII-like visitor fields and nested bot variables. bsatScore: -1 offered but unanswered, null not offered (seed 004).
 */
export function createSessionDataText(random: SeededRandom, language: string): string {
  const [city, country] = random.pick(vocabulary.cities);
  const first = random.int(0, vocabulary.firstNames.length - 1);
  const last = random.int(0, vocabulary.lastNames.length - 1);
  const email = random.chance(0.4) ? `"${firstNamesAscii[first]}.${lastNamesAscii[last]}@example.com"` : "null";
  const quotedLanguage = quoted(language);
  let text =
    `{"bsatScore":${random.weighted(bsatScores)},"convoId":"${hexId(random, 22)}","email":${email},` +
    `"location":${random.chance(0.3) ? quoted(city) : "null"},"confidence_score":${random.int(40, 99)},` +
    `"lastDetectedLanguage":${quotedLanguage},"lastDetectedSentiment":${quoted(random.pick(vocabulary.sentiments))},` +
    `"usedLanguage":${quotedLanguage},"channel":${quoted(random.pick(vocabulary.sessionChannels))}`;
  if (random.chance(0.3)) {
    text += `,"visitorName":${quoted(`${vocabulary.firstNames[first]} ${vocabulary.lastNames[last]}`)}`;
  }
  if (random.chance(0.2)) text += `,"phone":"+49 151 ${random.int(1000000, 9999999)}"`;
  if (random.chance(0.25)) {
    const latitude = (random.next() * 10 + 40).toFixed(7);
    const longitude = (random.next() * 10).toFixed(7);
    const arrival = `${random.int(10, 28)}-${String(random.int(1, 12)).padStart(2, "0")}-2024`;
    text +=
      `,"booking":[{"country":${quoted(country)},"location":"${latitude},${longitude}","city":${quoted(city)},` +
      `"numOfGuests":${random.int(1, 6)},"days":${random.int(1, 14)},"arrivalDate":"${arrival}"}],` +
      `"city":${quoted(city)},"manageBooking":${random.chance(0.5) ? '"possible"' : '"not possible"'}`;
  }
  return `${text}}`;
}
