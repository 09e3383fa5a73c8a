import { z } from "zod";
import { isRealDay } from "./ultimate-days.ts";

/**
 * One state for the `conversations` stream, per mode:
 * - API mode: `{bots: {<botId>: "YYYY-MM-DD"}, lookbackDays}`, the last export day read completely for each bot, and
 *   the configured lookback, which the views read (ultimate_start_day_metrics: how many export days after a start
 *   day can still add conversations to it). Older states without `lookbackDays` still parse.
 *   One stream with a map (rather than a stream per bot) keeps one table and lets bots be added later:
 *   a new bot simply has no entry and starts at `startDate`.
 * - Local files: `{files: {<path>: "<bytes>:<modified ms>"}}`, so unchanged files are not read again.
 */
export const stateVersion = 1;

const day = z.string().refine(isRealDay, { error: "expected a day YYYY-MM-DD" });

export const botsStateSchema = z.strictObject({
  bots: z.record(z.string(), day),
  lookbackDays: z.int().min(0).exactOptional(),
});
export const filesStateSchema = z.strictObject({ files: z.record(z.string(), z.string()) });
export const ultimateStateSchema = z.union([botsStateSchema, filesStateSchema]);

export type BotsState = z.output<typeof botsStateSchema>;
export type FilesState = z.output<typeof filesStateSchema>;
