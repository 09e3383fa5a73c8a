import { ParleyError } from "@parley/core";

/** google.rpc codes worth another try later (UNAVAILABLE, DEADLINE_EXCEEDED, ABORTED, RESOURCE_EXHAUSTED, INTERNAL). */
const retryableCodes = new Set([14, 4, 10, 8, 13]);

/**
 * A native export did not finish: its operation ended with an error, or it was still running when polling gave up.
 * `completedOperations` lists the exports of the same run that did finish, so a caller knows what landed.
 */
export class CcaiExportError extends ParleyError {
  readonly code = "ccai_export_failed";
  readonly operationName: string;
  /** google.rpc code of the operation's error; undefined when polling timed out. */
  readonly rpcCode: number | undefined;
  readonly completedOperations: readonly string[];

  constructor(
    message: string,
    options: { operationName: string; rpcCode?: number; completedOperations: readonly string[]; cause?: unknown },
  ) {
    super(message, {
      cause: options.cause,
      isRetryable: options.rpcCode === undefined || retryableCodes.has(options.rpcCode),
    });
    this.operationName = options.operationName;
    this.rpcCode = options.rpcCode;
    this.completedOperations = options.completedOperations;
  }

  static isInstance(error: unknown): error is CcaiExportError {
    return ParleyError.isParleyError(error) && error.code === "ccai_export_failed";
  }
}
