import type { AnyAuthClient } from "google-auth-library";
import { z } from "zod";

const projectPattern = /^[a-z][a-z0-9.:-]{4,61}[a-z0-9]$/;

export const bigqueryConfigSchema = z.strictObject({
  projectId: z
    .string()
    .regex(projectPattern, { error: "must be a Google Cloud project ID such as my-project-123" })
    .meta({ description: "Project that runs (and pays for) the load and query jobs." }),
  datasetProjectId: z
    .string()
    .regex(projectPattern, { error: "must be a Google Cloud project ID such as my-data-project" })
    .optional()
    .meta({ description: "Project that holds the dataset, when it differs from `projectId`." }),
  dataset: z
    .string()
    .regex(/^[A-Za-z0-9_]{1,1024}$/, { error: "must be a dataset ID: letters, digits and underscores" })
    .meta({ description: "Dataset for the data tables, Parley's own tables and the views; created if missing." }),
  location: z
    .string()
    .regex(/^(US|EU|[a-z]+-[a-z]+\d+)$/i, { error: 'must be a BigQuery location such as "US", "EU" or "europe-west1"' })
    .default("US")
    .meta({ description: "Where the dataset lives; every job runs there." }),
  kmsKeyName: z
    .string()
    .regex(/^projects\/[^/]+\/locations\/[^/]+\/keyRings\/[^/]+\/cryptoKeys\/[^/]+$/, {
      error: "must be a Cloud KMS key name: projects/P/locations/L/keyRings/R/cryptoKeys/K (in the dataset's location)",
    })
    .optional()
    .meta({ description: "Customer-managed key (CMEK) for the dataset, the tables Parley creates and its load jobs." }),
  keyFilename: z.string().min(1).optional().meta({
    format: "path",
    description: "Service account key file; without it, Application Default Credentials are used.",
  }),
  apiEndpoint: z.url({ error: "must be a URL such as https://bigquery.googleapis.com" }).optional().meta({
    description: "BigQuery API root (default https://bigquery.googleapis.com); tests point it at the sandbox.",
  }),
  maxBatchBytes: z
    .int()
    .min(1024)
    .max(4 * 1024 ** 3)
    .default(64 * 1024 ** 2)
    .meta({
      description: "Largest newline-delimited JSON file per load job; a bigger batch is split into several load jobs.",
    }),
  mergeScope: z.enum(["partitions", "table"]).default("partitions").meta({
    description:
      "`partitions` limits each merge's delete to the days of the batch's event times (cheap); use `table` if a record's event time can move to another day.",
  }),
  stagingDirectory: z.string().optional().meta({
    description:
      "Work directory: load files are written, readable only by this user, in a folder per run under `<stagingDirectory>/parley-staging` (default: the OS temp directory). Folders left by runs that died are removed by the next run.",
  }),
  maxRetries: z
    .int()
    .min(0)
    .max(20)
    .default(5)
    .meta({ description: "Retries of a job or request that failed with rateLimitExceeded or backendError." }),
  retryDelayMs: z
    .int()
    .min(0)
    .max(60_000)
    .default(1000)
    .meta({ description: "First retry delay; doubles per attempt." }),
});

export type BigqueryConfig = z.output<typeof bigqueryConfigSchema>;

/** The settings, plus an auth client to use instead of Google's default credential lookup (tests, custom auth). */
export type BigquerySettings = z.input<typeof bigqueryConfigSchema> & { readonly authClient?: AnyAuthClient };
