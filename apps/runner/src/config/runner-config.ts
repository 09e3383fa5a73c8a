import { z } from "zod";
import { piiPolicySchema } from "../pii/pii-config.ts";

/** The sink of a config without a `sink:` entry. */
export const defaultSinkType = "duckdb";

const identifier = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A source entry: the runner's own keys; everything else belongs to the connector and is checked by its schema. */
const sourceEntrySchema = z.looseObject({
  type: z.string({ error: "expected the connector type, e.g. ultimate, voicegain or ccai" }),
  tablePrefix: z
    .string()
    .regex(identifier, { error: "must be a plain identifier (letters, digits, underscores)" })
    .optional()
    .meta({
      description:
        "Tables are named <tablePrefix>_<stream>; defaults to the connector type, which the shipped views expect.",
    }),
  enabled: z.boolean().default(true),
  pii: piiPolicySchema.optional(),
});

export const runnerConfigSchema = z.strictObject({
  sink: z
    .looseObject({ type: z.string({ error: "expected the sink type, e.g. duckdb, postgres or bigquery" }) })
    .default({ type: defaultSinkType })
    .meta({ description: "Where data goes; the other keys belong to the sink (see its README)." }),
  sources: z
    .record(z.string().regex(identifier, { error: "source names must be plain identifiers" }), sourceEntrySchema)
    .refine((sources) => Object.keys(sources).length > 0, { error: "configure at least one source" }),
  sync: z
    .strictObject({
      batchRows: z
        .int()
        .min(1)
        .max(1_000_000)
        .default(10_000)
        .meta({ description: "Rows per stream buffered before a write." }),
      flushIntervalSeconds: z
        .number()
        .min(0)
        .max(3600)
        .default(5)
        .meta({ description: "A checkpoint older than this is written even with fewer rows." }),
    })
    .default({ batchRows: 10_000, flushIntervalSeconds: 5 }),
});

export type RunnerConfigFile = z.output<typeof runnerConfigSchema>;
export const runnerOwnSourceKeys = ["type", "tablePrefix", "enabled", "pii"] as const;
