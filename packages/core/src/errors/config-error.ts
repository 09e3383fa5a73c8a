import { ParleyError } from "./parley-error.ts";

/** One problem found in a configuration: where it is and what is wrong with it. */
export interface ConfigIssue {
  /** Dot path to the offending field, e.g. `sources.ultimate.botIds[0]`; empty for the root. */
  readonly path: string;
  /** What is wrong and, where possible, what is expected instead. */
  readonly message: string;
}

/**
 * A configuration (file, CLI flags or a plugin's settings) is invalid.
 * The message lists every issue as `path: message`, so a user can fix them all in one go.
 */
export class ConfigError extends ParleyError {
  readonly code = "config_invalid";
  readonly issues: readonly ConfigIssue[];

  constructor(issues: readonly ConfigIssue[], options: { cause?: unknown; subject?: string } = {}) {
    const subject = options.subject ?? "configuration";
    const lines = issues.map((issue) => `  - ${issue.path === "" ? "(root)" : issue.path}: ${issue.message}`);
    super(`Invalid ${subject}:\n${lines.join("\n")}`, options);
    this.issues = issues;
  }

  static isInstance(error: unknown): error is ConfigError {
    return ParleyError.isParleyError(error) && error.code === "config_invalid";
  }
}
