import { ParleyError } from "./parley-error.ts";

/**
 * The vendor refused the credentials (HTTP 401/403, or a token could not be obtained).
 * The message names the credential (header or config field), never its value.
 */
export class AuthError extends ParleyError {
  readonly code = "auth_failed";
  /** The config field or header that carries the credential, e.g. `token` or the `authorization` header. */
  readonly credential: string;
  readonly status: number | undefined;

  constructor(message: string, options: { credential: string; status?: number; cause?: unknown }) {
    super(message, { cause: options.cause, isRetryable: false });
    this.credential = options.credential;
    this.status = options.status;
  }

  static isInstance(error: unknown): error is AuthError {
    return ParleyError.isParleyError(error) && error.code === "auth_failed";
  }
}
