import { ParleyError } from "./parley-error.ts";

/**
 * A vendor answered with an unexpected HTTP status, or the request failed on the network.
 * `url` is already redacted (signed-URL query strings and token parameters removed);
 * response headers are never attached, because they can echo credentials.
 */
export class HttpError extends ParleyError {
  readonly code = "http_failed";
  /** The HTTP status, or undefined when no response arrived (timeout, connection reset). */
  readonly status: number | undefined;
  readonly method: string;
  readonly url: string;
  /** The first few hundred characters of the response body, redacted. */
  readonly responseExcerpt: string | undefined;
  /** How many attempts were made before giving up. */
  readonly attempts: number;

  constructor(
    message: string,
    options: {
      status?: number;
      method: string;
      url: string;
      responseExcerpt?: string;
      attempts: number;
      isRetryable: boolean;
      cause?: unknown;
    },
  ) {
    super(message, { cause: options.cause, isRetryable: options.isRetryable });
    this.status = options.status;
    this.method = options.method;
    this.url = options.url;
    this.responseExcerpt = options.responseExcerpt;
    this.attempts = options.attempts;
  }

  static isInstance(error: unknown): error is HttpError {
    return ParleyError.isParleyError(error) && error.code === "http_failed";
  }
}
