import { ParleyError } from "./parley-error.ts";

/**
 * Another run holds the lock of this sink and source. Retryable: waiting for that run to end and taking the
 * lock again succeeds. Names the running load (when the ledger shows it) so the user can find it.
 */
export class LoadInProgressError extends ParleyError {
  readonly code = "load_in_progress";
  readonly source: string;
  /** The running load of that source in the ledger, if any. */
  readonly loadId: string | undefined;
  readonly startedAt: string | undefined;

  constructor(
    message: string,
    options: { source: string; loadId?: string | undefined; startedAt?: string | undefined; cause?: unknown },
  ) {
    super(message, { cause: options.cause, isRetryable: true });
    this.source = options.source;
    this.loadId = options.loadId;
    this.startedAt = options.startedAt;
  }

  static isInstance(error: unknown): error is LoadInProgressError {
    return ParleyError.isParleyError(error) && error.code === "load_in_progress";
  }
}
