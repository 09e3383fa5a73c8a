import { inspect } from "node:util";
import { z } from "zod";
import { redactedMarker, registerSecret } from "./redactor.ts";

/**
 * A credential read from configuration. It is not a string on purpose: it prints, serialises and
 * inspects as `[REDACTED]`, so it cannot reach a log, an error message or stored state by accident.
 * Code that must send it calls `reveal()` at the last moment (building a header).
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
    registerSecret(value);
  }

  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return redactedMarker;
  }

  toJSON(): string {
    return redactedMarker;
  }

  [inspect.custom](): string {
    return `Secret(${redactedMarker})`;
  }
}

/**
 * A zod schema for a secret config field: a non-empty string that becomes a `Secret`.
 * The `secret: true` metadata lets docs and JSON Schema mark the field (and keeps `parley check`
 * from echoing it). `environmentVariable` is the name the documents use for it, so a generated config
 * (`parley init`) and the README ask for the same variable.
 */
export function secretString(description: string, environmentVariable?: string) {
  return z
    .string({ error: "expected a string (put the value in an environment variable and write ${VAR_NAME})" })
    .min(1, { error: "must not be empty" })
    .transform((value) => new Secret(value))
    .meta({ secret: true, description, ...(environmentVariable === undefined ? {} : { environmentVariable }) });
}
