import { Secret, secretString } from "@parley/core";
import { z } from "zod";

/** What happens to a value before any sink sees it. */
export const piiActions = ["keep", "drop", "hash", "redact"] as const;
export type PiiAction = (typeof piiActions)[number];

export const minimumHashKeyLength = 16;

/** `column`, or a path inside a json column: `column.key`, `column[].key` (`[]` = every list element). */
const rulePath = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_$@-]+|\[\])*$/;

/** A source's PII policy in parley.yaml (`sources.<name>.pii`). */
export const piiPolicySchema = z
  .strictObject({
    columns: z
      .record(
        z.string().regex(rulePath, {
          error:
            "must be a column, or a path in a json column such as conversations_data.email or sentences[].sentence",
        }),
        z.enum(piiActions, { error: "expected keep, drop, hash or redact" }),
      )
      .meta({
        description:
          "Column (or path inside a json column) -> keep, drop (stored as NULL / key removed), hash (keyed HMAC-SHA-256, hex) or redact (emails, phone numbers and card numbers in the text masked).",
      }),
    hashKey: secretString(
      "Secret key of the hash action (HMAC-SHA-256), at least 16 characters; required when a rule hashes. The same key gives the same hash in every run and table.",
    ).optional(),
  })
  .refine((policy) => policy.hashKey !== undefined || !Object.values(policy.columns).includes("hash"), {
    error: "a rule hashes, so give hashKey: ${PARLEY_PII_HASH_KEY} (a secret from the environment)",
    path: ["hashKey"],
  })
  // A short key can itself be guessed, and then every phone number with it; shorter than 6 characters it would
  // not even be redacted from logs. (zod still runs this when hashKey itself failed, e.g. an unset variable.)
  .refine((policy) => !(policy.hashKey instanceof Secret) || policy.hashKey.reveal().length >= minimumHashKeyLength, {
    error: `must be at least ${minimumHashKeyLength} characters: a random value, e.g. the output of \`openssl rand -hex 32\``,
    path: ["hashKey"],
  })
  .meta({
    description:
      "Applied in the runner before any sink sees a row (rejects included). Changing it for data already loaded needs --full-refresh.",
  });

export type PiiPolicy = z.output<typeof piiPolicySchema>;

/** A rule key split into its column and the path inside it (`[]` segments step into every list element). */
export function parseRulePath(key: string): { readonly column: string; readonly path: readonly string[] } {
  const [column = key] = key.split(/[.[]/, 1);
  const rest = key.slice(column.length);
  const path = [...rest.matchAll(/\.([^.[\]]+)|\[\]/g)].map((match) => match[1] ?? "[]");
  return { column, path };
}
