import { secretString } from "@parley/core";
import { z } from "zod";

const identifier = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,62}$/, {
  error: "must be a plain identifier (letters, digits, underscores, at most 63)",
});

const sslSchema = z.strictObject({
  mode: z.enum(["disable", "require", "verify-full"]).meta({
    description: "`require` encrypts without checking the certificate; `verify-full` also checks it and the host name.",
  }),
  ca: z
    .string()
    .min(1)
    .optional()
    .meta({ description: "PEM file of the certificate authority to trust (verify-full)." }),
});

const fieldNames = ["host", "port", "database", "user", "password"] as const;

export const postgresConfigSchema = z
  .strictObject({
    url: secretString(
      "Connection string, postgres://user:password@host:5432/database",
      "PARLEY_POSTGRES_URL",
    ).optional(),
    host: z.string().min(1).optional().meta({ description: "Server host name or address (instead of url)." }),
    port: z.int().min(1).max(65_535).optional().meta({ description: "Server port (instead of url); default 5432." }),
    database: z.string().min(1).optional().meta({ description: "Database name (instead of url)." }),
    user: z.string().min(1).optional().meta({ description: "Role to log in as (instead of url)." }),
    password: secretString("Password of `user` (instead of url)").optional(),
    ssl: sslSchema
      .optional()
      .meta({ description: "TLS settings; without them the connection is not encrypted unless the url says so." }),
    schema: identifier
      .default("parley")
      .meta({ description: "Schema that holds the data tables, Parley's own tables and the views." }),
    poolSize: z
      .int()
      .min(1)
      .max(100)
      .default(4)
      .meta({ description: "Most connections open at once (one per batch in flight)." }),
    statementTimeoutMs: z
      .int()
      .min(1)
      .optional()
      .meta({ description: "Cancel any statement running longer than this." }),
  })
  .superRefine((config, context) => {
    const fields = fieldNames.filter((name) => config[name] !== undefined);
    if (config.url !== undefined && fields.length > 0) {
      for (const name of fields) {
        context.addIssue({
          code: "custom",
          path: [name],
          message: `give either url or ${name} (with the other connection fields), not both`,
        });
      }
    } else if (config.url === undefined && fields.length === 0) {
      context.addIssue({ code: "custom", path: ["url"], message: "required: give url, or host, database and user" });
    } else if (config.url === undefined) {
      for (const name of ["host", "database", "user"] as const) {
        if (config[name] === undefined)
          context.addIssue({
            code: "custom",
            path: [name],
            message: `required when the connection is given as fields (or use url instead)`,
          });
      }
    }
    if (config.url !== undefined && !/^postgres(ql)?:\/\//.test(config.url.reveal())) {
      context.addIssue({ code: "custom", path: ["url"], message: "must start with postgres:// or postgresql://" });
    } else if (config.url !== undefined) {
      const problem = urlProblem(config.url.reveal());
      if (problem !== undefined) context.addIssue({ code: "custom", path: ["url"], message: problem });
    }
    if (config.url !== undefined && config.ssl !== undefined && /[?&]ssl/i.test(config.url.reveal())) {
      context.addIssue({
        code: "custom",
        path: ["ssl"],
        message: "the url already sets ssl options: set them in one place",
      });
    }
    if (config.ssl?.ca !== undefined && config.ssl.mode !== "verify-full") {
      context.addIssue({ code: "custom", path: ["ssl", "ca"], message: "only used with mode verify-full" });
    }
  });

export type PostgresConfig = z.output<typeof postgresConfigSchema>;
export type PostgresSettings = z.input<typeof postgresConfigSchema>;

/**
 * Why a connection URL cannot mean what its writer meant, without quoting it (it holds the password): a `#`, or a
 * `/`, `?` or `@` too many, in an unencoded password makes the URL name another host or none at all.
 */
function urlProblem(url: string): string | undefined {
  const encodeHint =
    "percent-encode special characters in the user name and password (# as %23, @ as %40, / as %2F, ? as %3F, : as %3A)";
  if (url.includes("#")) return `contains "#", which ends a URL: ${encodeHint}`;
  try {
    new URL(url);
  } catch {
    return `is not a valid URL: ${encodeHint}`;
  }
  return undefined;
}
