import { secretString } from "@parley/core";
import { z } from "zod";
import { isKnownTimeZone, parseQueryTime } from "./voicegain-time.ts";

// Item lengths are the vendor's documented limits for these ids (seed 002; vendor-apis §2.3).
const vendorId = z
  .string()
  .min(16, { error: "ids are 16 to 48 characters (vendor limit)" })
  .max(48, { error: "ids are 16 to 48 characters (vendor limit)" });

const idList = (description: string) =>
  z
    .array(vendorId)
    .min(1, { error: "list at least one id, or leave the setting out" })
    .optional()
    .meta({ description });

const queryTime = (description: string) =>
  z
    .string()
    .max(32, { error: "at most 32 characters (vendor limit)" })
    .refine((text) => parseQueryTime(text, "UTC") !== undefined, {
      error: "must be an RFC 3339 date-time such as 2024-05-01T00:00:00Z (or a date such as 2024-05-01)",
    })
    .optional()
    .meta({ description });

const rateLimitSchema = z
  .union([
    z.literal(false),
    z.strictObject({
      requestsPerMinute: z.int().min(1).default(75).meta({ description: "Requests per minute (vendor default 75)." }),
      requestsPerHour: z.int().min(1).default(2000).meta({ description: "Requests per hour (vendor default 2000)." }),
    }),
  ])
  .default({ requestsPerMinute: 75, requestsPerHour: 2000 })
  .meta({
    description:
      "Proactive pacing below the account's API limits; `false` turns pacing off (local emulators only). 429 answers are retried after Retry-After either way.",
  });

export const voicegainConfigSchema = z
  .strictObject({
    token: secretString(
      "Voicegain JWT (Web Console: Settings, API Security), sent as `Authorization: Bearer <JWT>`.",
      "VOICEGAIN_JWT",
    ),
    baseUrl: z
      .url({ error: "must be an http(s) URL such as https://api.voicegain.ai/v1" })
      .default("https://api.voicegain.ai/v1")
      .meta({ description: "API base URL; Edge deployments use `http(s)://<host>:<port>/ascalon-web-api`." }),
    format: z
      .enum(["json", "csv"], { error: "must be json or csv" })
      .default("json")
      .meta({ description: "Export format; both load to the same rows." }),
    perPage: z
      .int({ error: "must be a whole number" })
      .min(1, { error: "must be between 1 and 10000" })
      .max(10_000, { error: "must be between 1 and 10000" })
      .default(1000)
      .meta({ description: "Calls per request (`per_page`)." }),
    mode: z.enum(["consecutive", "window"], { error: "must be consecutive or window" }).default("consecutive").meta({
      description:
        "`consecutive`: incremental export after the highest exported callId (vendor-recommended). `window`: re-export the calls that started between fromTime and toTime (backfills, picking up QA reviews); it leaves the consecutive position untouched.",
    }),
    fromTime: queryTime(
      "Oldest call start to export (RFC 3339; without an offset it is read in `timeZone`). Required in window mode; in consecutive mode it is always sent, default 2024-08-01T00:00:00Z (as Voicegain's own export script).",
    ),
    toTime: queryTime(
      "Newest call start to export. In window mode it defaults to the time the window was first started; in consecutive mode it is always sent, default 2525-01-01T00:00:00Z (the vendor script's far-future end).",
    ),
    agentIds: idList("Only calls of these agents (`agentId`)."),
    queueIds: idList("Only calls of these queues (`queueId`)."),
    aivrAppIds: idList("Only calls of these Voicebot apps (`aivrAppId`)."),
    timeZone: z
      .string()
      .refine(isKnownTimeZone, { error: "must be an IANA time zone such as America/Chicago" })
      .optional()
      .meta({
        description:
          "The Voicegain account's (project's) IANA time zone: CSV times are local times in it, and fromTime/toTime without an offset are read in it.",
      }),
    rateLimit: rateLimitSchema,
  })
  .superRefine((config, context) => {
    if (config.format === "csv" && config.timeZone === undefined) {
      context.addIssue({
        code: "custom",
        path: ["timeZone"],
        message: "required with format csv: CSV times carry no offset; set the account's zone, e.g. America/Chicago",
      });
    }
    for (const field of ["fromTime", "toTime"] as const) {
      const value = config[field];
      if (value !== undefined && config.timeZone === undefined && isNaiveTime(value)) {
        context.addIssue({ code: "custom", path: [field], message: "has no offset: add one (e.g. Z) or set timeZone" });
      }
    }
    if (config.mode === "window" && config.fromTime === undefined) {
      context.addIssue({
        code: "custom",
        path: ["fromTime"],
        message: "required in window mode (the start of the window to export)",
      });
    }
    if (config.fromTime !== undefined && config.toTime !== undefined) {
      const zone = config.timeZone ?? "UTC";
      const from = parseQueryTime(config.fromTime, zone);
      const to = parseQueryTime(config.toTime, zone);
      if (from !== undefined && to !== undefined && from >= to) {
        context.addIssue({ code: "custom", path: ["toTime"], message: "must be later than fromTime" });
      }
    }
  });

function isNaiveTime(text: string): boolean {
  return !/(?:[Zz]|[+-]\d{2}:\d{2})$/.test(text);
}

export type VoicegainConfig = z.output<typeof voicegainConfigSchema>;
export type VoicegainSettings = z.input<typeof voicegainConfigSchema>;
