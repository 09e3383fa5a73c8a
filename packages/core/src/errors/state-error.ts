import { ParleyError } from "./parley-error.ts";

/**
 * Stored state cannot be used: written by a newer Parley, or its shape does not match what the
 * connector expects. Never silently reset: the user chooses `parley state reset` or `--full-refresh`.
 */
export class StateError extends ParleyError {
  readonly code = "state_invalid";
  readonly source: string;
  readonly stream: string;

  constructor(message: string, options: { source: string; stream: string; cause?: unknown }) {
    super(message, { cause: options.cause });
    this.source = options.source;
    this.stream = options.stream;
  }

  static isInstance(error: unknown): error is StateError {
    return ParleyError.isParleyError(error) && error.code === "state_invalid";
  }
}
