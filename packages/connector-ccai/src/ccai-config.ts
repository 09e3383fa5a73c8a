import { secretString } from "@parley/core";
import { z } from "zod";

// Versions before V4 have no conversationUpdateTimestampUtc, which the incremental MERGE keys on (vendor-apis §1.13.2).
const exportSchemaVersions = [
  ...Array.from({ length: 17 }, (_, index) => `EXPORT_V${index + 1}`),
  "EXPORT_VERSION_LATEST_AVAILABLE",
] as const;

const rfc3339 = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/i, {
  error: 'must be an RFC 3339 time with an offset, e.g. "2024-05-01T00:00:00Z"',
});

const bigQueryName = (what: string) =>
  z
    .string()
    .regex(/^[A-Za-z0-9_]{1,1024}$/, { error: `must be a BigQuery ${what} name (letters, digits, underscores)` });

export const ccaiExportConfigSchema = z
  .strictObject({
    projectId: z
      .string()
      .min(1)
      .optional()
      .meta({ description: "BigQuery project that receives the export (id or number); defaults to `project`." }),
    dataset: bigQueryName("dataset").meta({ description: "BigQuery dataset; must exist before the export." }),
    table: bigQueryName("table").default("ccai_export").meta({
      description:
        "Final export table; it must exist before the export (Google's reference), `parley check` verifies it. The views in sql/ccai/export read it under this default name.",
    }),
    stagingTable: bigQueryName("table").optional().meta({
      description:
        "Google's incremental pattern: export changed conversations here, then MERGE into `table` on conversationName. Must exist too; `parley check` verifies it.",
    }),
    bigQueryApiUrl: z
      .url({ protocol: /^https?$/, error: "must be an http(s) URL" })
      .default("https://bigquery.googleapis.com")
      .meta({
        description: "BigQuery REST endpoint `parley check` asks whether the tables exist (another host for tests).",
      }),
    writeDisposition: z
      .enum(["WRITE_TRUNCATE", "WRITE_APPEND"], {
        error:
          "required: WRITE_TRUNCATE replaces the whole table on every export (Google's default, which wipes history), WRITE_APPEND adds rows; choose one",
      })
      .meta({
        description: "Required. Applies to the first export of a run; later time windows of the same run append.",
      }),
    kmsKey: z
      .string()
      .regex(/^projects\/[^/]+\/locations\/[^/]+\/keyRings\/[^/]+\/cryptoKeys\/[^/]+(\/cryptoKeyVersions\/[^/]+)?$/, {
        error: "must be projects/{p}/locations/{l}/keyRings/{r}/cryptoKeys/{k}[/cryptoKeyVersions/{v}]",
      })
      .optional()
      .meta({ description: "Cloud KMS key of a CMEK-protected destination table." }),
    exportSchemaVersion: z.enum(exportSchemaVersions).default("EXPORT_V4").meta({
      description: "Always sent: an unspecified version falls back to the old V3 schema (vendor-apis §1.14 #9).",
    }),
    startTime: rfc3339
      .optional()
      .meta({ description: "First export only: conversations created at or after this time (split into windows)." }),
    windowDays: z
      .number()
      .positive()
      .max(366)
      .default(7)
      .meta({ description: "Length of one export's time window; keep each under 100,000 conversations." }),
    pollIntervalSeconds: z
      .number()
      .positive()
      .default(10)
      .meta({ description: "First wait between operation polls; grows 1.5x up to 5 minutes." }),
    timeoutHours: z
      .number()
      .positive()
      .max(72)
      .default(24)
      .meta({ description: "Give up polling one export after this long." }),
  })
  .superRefine((value, context) => {
    const version = /^EXPORT_V(\d+)$/.exec(value.exportSchemaVersion);
    if (value.stagingTable !== undefined && version !== null && Number(version[1]) < 4) {
      context.addIssue({
        code: "custom",
        path: ["exportSchemaVersion"],
        message: "the incremental MERGE needs conversationUpdateTimestampUtc: use EXPORT_V4 or later with stagingTable",
      });
    }
    if (value.stagingTable !== undefined && value.stagingTable === value.table) {
      context.addIssue({ code: "custom", path: ["stagingTable"], message: "must differ from `table`" });
    }
  });

export const ccaiConfigSchema = z
  .strictObject({
    project: z
      .string()
      .regex(/^[a-z0-9][a-z0-9.:-]{0,62}$/, { error: "must be a Google Cloud project id or number" })
      .meta({ description: "Project that holds the Insights data (id or number)." }),
    location: z
      .string()
      .regex(/^[a-z0-9-]+$/, { error: 'must be a location such as "us-central1" or "europe-west1"' })
      .default("us-central1")
      .meta({ description: "Insights location; selects the regional host unless `baseUrl` is given." }),
    baseUrl: z
      .url({ protocol: /^https?$/, error: "must be an http(s) URL" })
      .optional()
      .meta({ description: "Overrides the host (emulators, private endpoints)." }),
    accessToken: secretString(
      "A ready OAuth2 access token (tests, emulators); otherwise google-auth-library is used.",
    ).optional(),
    keyFile: z.string().min(1).optional().meta({
      format: "path",
      description: "Service-account key file; without it and `accessToken`, application default credentials.",
    }),
    filter: z
      .string()
      .optional()
      .meta({ description: "Google's conversation filter, sent unchanged (space-separated terms are ANDed)." }),
    includeTranscripts: z
      .boolean()
      .default(true)
      .meta({ description: "List with view=FULL (transcript, sentences, words); false lists BASIC." }),
    includeAnalyses: z
      .boolean()
      .default(false)
      .meta({ description: "Also read every analysis of each changed conversation into `ccai_analyses`." }),
    pageSize: z
      .int()
      .min(1)
      .max(1000)
      .default(1000)
      .meta({ description: "Conversations per page (1-1000; REST allows at most 1000)." }),
    settleSeconds: z.int().min(0).max(86_400).default(120).meta({
      description: "A pass reads updates up to this long before it started, so clock skew cannot hide an update.",
    }),
    exportToBigQuery: ccaiExportConfigSchema
      .optional()
      .meta({ description: "Native export settings, used by `exportCcaiToBigQuery` (not by a pull sync)." }),
  })
  .superRefine((value, context) => {
    if (value.accessToken !== undefined && value.keyFile !== undefined) {
      context.addIssue({ code: "custom", path: ["keyFile"], message: "give either accessToken or keyFile, not both" });
    }
  });

export type CcaiConfig = z.output<typeof ccaiConfigSchema>;
export type CcaiSettings = z.input<typeof ccaiConfigSchema>;
export type CcaiExportConfig = z.output<typeof ccaiExportConfigSchema>;
