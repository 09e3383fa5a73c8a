import { type Secret, secretString } from "@parley/core";
import { z } from "zod";
import { isRealDay } from "./ultimate-days.ts";

/** The two documented hosts (seed 004; vendor-apis §3.1). */
export const regionHosts = { eu: "https://api.ultimate.ai", us: "https://api.us.ultimate.ai" } as const;

/** Seed 004: v3 data goes back to 2024-01-01; older days need the vendor's support. */
export const v3EarliestDay = "2024-01-01";
/** vendor-apis §3.3 [P] U4: the legacy v2 export only serves the last 30 days. */
export const v2WindowDays = 30;

const day = (what: string) =>
  z
    .string()
    .refine(isRealDay, { error: "must be a calendar day written YYYY-MM-DD (UTC)" })
    .meta({ description: what });

const oneOrMany = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);

// Ids in the dashboard's URLs (seed 004): bots are 24 hex digits; organizations 24 letters and digits.
const botId = z
  .string()
  .regex(/^[0-9a-f]{24}$/i, { error: "must be a hex bot id (24 hex digits, from the dashboard)" });
const botIds = z.union([botId, z.array(botId).min(1, { error: "list at least one bot id" })]);

/** What users write; every API-mode default is applied after the cross-field rules, so they can tell "set" from "defaulted". */
const settingsSchema = z.strictObject({
  organizationId: z
    .string()
    .regex(/^[A-Za-z0-9]{24}$/, {
      error: "must be the 24-character organization id from the dashboard URL .../admin/organizations/<id>",
    })
    .optional()
    .meta({
      description:
        "Organization id, from the dashboard URL `.../admin/organizations/<id>` (sent as the organizationId header).",
    }),
  botIds: botIds
    .optional()
    .meta({ description: "One bot id or a list of them; the export is per bot (sent as the botId header)." }),
  token: secretString("The organization API key (sent as the authorization header).", "ULTIMATE_API_KEY").optional(),
  authScheme: z
    .enum(["raw", "bearer"])
    .optional()
    .meta({ description: "How the key is sent: `raw` (default; `Bearer <key>` was seen refused live) or `bearer`." }),
  region: z
    .enum(["eu", "us"])
    .optional()
    .meta({ description: "Data region: `eu` = https://api.ultimate.ai (default), `us` = https://api.us.ultimate.ai." }),
  baseUrl: z
    .url({ protocol: /^https?$/, error: "must be an http(s) URL" })
    .optional()
    .meta({ description: "Another API host (a proxy or the local emulator); replaces `region`." }),
  apiVersion: z
    .enum(["v3", "v2"])
    .optional()
    .meta({ description: "Export generation: `v3` (default) or the legacy `v2`, which only serves the last 30 days." }),
  startDate: day("First export day to load (UTC). v3: not before 2024-01-01; v2: within the last 30 days.").optional(),
  endDate: day("Last export day to load (UTC); default: yesterday, the latest complete day.").optional(),
  ttlMinutes: z.int().min(1).max(10_080).optional().meta({
    description: "Life of the signed download links in minutes (default 60; links are re-requested when they expire).",
  }),
  lookbackDays: z.int().min(0).max(30).optional().meta({
    description:
      "Days before the stored cursor that each run reads again, because a day's file can still grow (default 2).",
  }),
  files: oneOrMany.optional().meta({
    format: "path",
    description:
      "Local-files mode: export files already on disk, as paths or glob patterns (a relative one is read against the config file's folder), instead of the API.",
  }),
});

const apiOnlyFields = [
  "organizationId",
  "botIds",
  "token",
  "authScheme",
  "region",
  "baseUrl",
  "apiVersion",
  "startDate",
  "endDate",
  "ttlMinutes",
  "lookbackDays",
] as const;

export interface UltimateApiConfig {
  readonly mode: "api";
  readonly organizationId: string;
  readonly botIds: readonly string[];
  readonly token: Secret;
  readonly authScheme: "raw" | "bearer";
  readonly baseUrl: string;
  readonly apiVersion: "v3" | "v2";
  readonly startDate: string;
  readonly endDate: string | undefined;
  readonly ttlMinutes: number;
  readonly lookbackDays: number;
}

export interface UltimateFilesConfig {
  readonly mode: "files";
  readonly files: readonly string[];
}

export type UltimateConfig = UltimateApiConfig | UltimateFilesConfig;

const list = (value: string | readonly string[]): readonly string[] => (typeof value === "string" ? [value] : value);

export const ultimateConfigSchema = settingsSchema
  .superRefine((settings, context) => {
    const problem = (path: string, message: string) => context.addIssue({ code: "custom", path: [path], message });
    if (settings.files !== undefined) {
      for (const field of apiOnlyFields) {
        if (settings[field] !== undefined)
          problem(field, "not used with `files` (local-files mode reads the files only); remove one of the two");
      }
      return;
    }
    if (settings.organizationId === undefined)
      problem("organizationId", "required (or set `files` to load export files from disk)");
    if (settings.botIds === undefined) problem("botIds", "required: one bot id or a list (the export is per bot)");
    if (settings.token === undefined)
      problem("token", "required: the organization API key (write it as an environment variable reference)");
    if (settings.startDate === undefined) problem("startDate", "required: the first export day to load, YYYY-MM-DD");
    if (settings.region !== undefined && settings.baseUrl !== undefined) {
      problem("baseUrl", "set either `region` or `baseUrl`, not both");
    }
    if (
      (settings.apiVersion ?? "v3") === "v3" &&
      settings.startDate !== undefined &&
      settings.startDate < v3EarliestDay
    ) {
      problem(
        "startDate",
        `the v3 export starts on ${v3EarliestDay}; older days are only available through the vendor's support`,
      );
    }
    if (settings.startDate !== undefined && settings.endDate !== undefined && settings.endDate < settings.startDate) {
      problem("endDate", "must not be before startDate");
    }
    if (settings.botIds !== undefined && new Set(list(settings.botIds)).size !== list(settings.botIds).length) {
      problem("botIds", "lists a bot twice");
    }
  })
  .transform((settings): UltimateConfig => {
    if (settings.files !== undefined) return { mode: "files", files: list(settings.files) };
    return {
      mode: "api",
      organizationId: settings.organizationId as string,
      botIds: list(settings.botIds as string | string[]),
      token: settings.token as Secret,
      authScheme: settings.authScheme ?? "raw",
      baseUrl: settings.baseUrl ?? regionHosts[settings.region ?? "eu"],
      apiVersion: settings.apiVersion ?? "v3",
      startDate: settings.startDate as string,
      endDate: settings.endDate,
      ttlMinutes: settings.ttlMinutes ?? 60,
      lookbackDays: settings.lookbackDays ?? 2,
    };
  });

export type UltimateSettings = z.input<typeof ultimateConfigSchema>;
