/**
 * Base class of every error Parley throws on purpose.
 *
 * Errors are branded with a `Symbol.for` key instead of relying on `instanceof`, because a user's
 * project can end up with two copies of `@parley/core` (one per installed connector); `isInstance`
 * recognises errors from either copy.
 */
const brand = Symbol.for("parley.error");

export abstract class ParleyError extends Error {
  // biome-ignore lint/correctness/noUnusedPrivateClassMembers: read through the symbol in isParleyError
  private readonly [brand] = true;

  /** A stable, machine-readable code, e.g. `config_invalid`; stays the same across releases. */
  abstract readonly code: string;

  /** True when running the same operation again may succeed (network blips, rate limits, 5xx). */
  readonly isRetryable: boolean;

  constructor(message: string, options: { cause?: unknown; isRetryable?: boolean } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.isRetryable = options.isRetryable ?? false;
    this.name = new.target.name;
  }

  static isParleyError(error: unknown): error is ParleyError {
    return typeof error === "object" && error !== null && (error as Record<symbol, unknown>)[brand] === true;
  }
}
