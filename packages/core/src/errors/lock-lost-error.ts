import { ParleyError } from "./parley-error.ts";

/**
 * The run's sink lock ended while its load was still writing (the lock's connection dropped, a lease was taken
 * over after it expired): another run may be loading the same source, so the write was refused. Not retryable
 * within the run; running again resumes from the stored state once no other run holds the lock.
 */
export class LockLostError extends ParleyError {
  readonly code = "lock_lost";
  readonly source: string;
  readonly loadId: string;

  constructor(message: string, options: { source: string; loadId: string; cause?: unknown }) {
    super(message, { cause: options.cause });
    this.source = options.source;
    this.loadId = options.loadId;
  }

  static isInstance(error: unknown): error is LockLostError {
    return ParleyError.isParleyError(error) && error.code === "lock_lost";
  }
}
