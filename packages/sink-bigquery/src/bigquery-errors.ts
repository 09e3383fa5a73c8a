import { AuthError, HttpError, ParleyError, redact, redactUrl } from "@parley/core";

/** One entry of BigQuery's `errors[]` (an ErrorProto). */
export interface BigqueryErrorProto {
  readonly reason?: string;
  readonly message?: string;
  readonly location?: string;
}

/** Reasons BigQuery documents as transient: retrying the same work may succeed. */
const retryableReasons = new Set([
  "rateLimitExceeded",
  "backendError",
  "internalError",
  "jobBackendError",
  "jobInternalError",
]);
const retryableStatuses = new Set([429, 500, 502, 503, 504]);
const statusByReason: Record<string, number> = {
  invalid: 400,
  invalidQuery: 400,
  notFound: 404,
  duplicate: 409,
  rateLimitExceeded: 403,
  backendError: 500,
  accessDenied: 403,
};

/** A job that ended DONE with `status.errorResult`; the data it carried was not applied (jobs are atomic). */
export class JobFailure extends Error {
  readonly jobId: string;
  readonly errors: readonly BigqueryErrorProto[];

  constructor(jobId: string, errors: readonly BigqueryErrorProto[]) {
    super(errors[0]?.message ?? "job failed");
    this.name = "JobFailure";
    this.jobId = jobId;
    this.errors = errors;
  }
}

interface ApiErrorLike {
  code?: number;
  errors?: BigqueryErrorProto[];
  message?: string;
  response?: {
    status?: { errorResult?: BigqueryErrorProto; errors?: BigqueryErrorProto[] };
    jobReference?: { jobId?: string };
  };
}

function reasons(error: unknown): string[] {
  if (error instanceof JobFailure) return error.errors.map((entry) => entry.reason ?? "");
  return ((error as ApiErrorLike).errors ?? []).map((entry) => entry.reason ?? "");
}

/** The client throws an ApiError for a job whose insert response already carries errors; treat it as a job result. */
export function asJobFailure(error: unknown): unknown {
  const status = (error as ApiErrorLike).response?.status;
  const jobId = (error as ApiErrorLike).response?.jobReference?.jobId;
  if (status?.errorResult !== undefined && jobId !== undefined)
    return new JobFailure(jobId, status.errors ?? [status.errorResult]);
  return error;
}

export function isRetryable(error: unknown): boolean {
  if (error instanceof JobFailure)
    return reasons(error).some((reason) => retryableReasons.has(reason)) && !reasons(error).includes("invalid");
  const code = (error as ApiErrorLike).code;
  if (typeof code === "number" && retryableStatuses.has(code)) return true;
  if (code === 403) return reasons(error).some((reason) => retryableReasons.has(reason));
  const text = String((error as Error).message ?? "");
  return typeof code !== "number" && /ECONNRESET|ETIMEDOUT|socket hang up|EPIPE/.test(text);
}

function describe(errors: readonly BigqueryErrorProto[]): string {
  return errors
    .slice(0, 3)
    .map(
      (entry) => `${entry.reason ?? "error"}: ${entry.message ?? ""}${entry.location ? ` (at ${entry.location})` : ""}`,
    )
    .join("; ");
}

const hints: Record<string, string> = {
  invalid: "Check the rows against the stream's columns and the table schema; the errors above name the row and field.",
  invalidQuery: "The generated SQL was refused; report it with the message above.",
  notFound: "Check projectId, datasetProjectId, dataset and location: jobs run in the dataset's location.",
  rateLimitExceeded: "BigQuery quotas were exceeded after all retries; lower the run's concurrency or raise the quota.",
  backendError: "BigQuery kept failing after all retries; run again later.",
  accessDenied:
    "Grant the service account roles/bigquery.dataEditor on the dataset and roles/bigquery.jobUser on the job project.",
};

/** Turns a client or job failure into Parley's typed errors, carrying BigQuery's reasons and messages. */
export function toParleyError(
  error: unknown,
  context: { operation: string; url: string; method: string; attempts: number; credential: string },
): Error {
  if (ParleyError.isParleyError(error)) return error;
  const failure = asJobFailure(error);
  const errors = failure instanceof JobFailure ? failure.errors : ((failure as ApiErrorLike).errors ?? []);
  const first = errors[0]?.reason ?? "";
  const status = failure instanceof JobFailure ? (statusByReason[first] ?? 500) : (failure as ApiErrorLike).code;
  const detail = errors.length > 0 ? describe(errors) : String((failure as Error).message ?? failure);
  const subject =
    failure instanceof JobFailure
      ? `BigQuery job ${failure.jobId} (${context.operation})`
      : `BigQuery ${context.operation}`;
  if (status === 401 || (status === 403 && ["accessDenied", "authError", "forbidden"].includes(first))) {
    return new AuthError(
      redact(`${subject} was refused (${detail}). ${hints.accessDenied} Credentials come from ${context.credential}.`),
      {
        credential: context.credential,
        status,
        cause: failure,
      },
    );
  }
  return new HttpError(redact(`${subject} failed: ${detail}. ${hints[first] ?? "See the BigQuery error above."}`), {
    ...(status === undefined ? {} : { status }),
    method: context.method,
    url: redactUrl(context.url),
    responseExcerpt: redact(JSON.stringify(errors)).slice(0, 1000),
    attempts: context.attempts,
    isRetryable: isRetryable(failure),
    cause: failure,
  });
}
