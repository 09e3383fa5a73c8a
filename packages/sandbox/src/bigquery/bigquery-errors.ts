import type { ServerResponse } from "node:http";
import { sendJson } from "../server/emulator-server.ts";

/** The `errors[].reason` values the emulator answers with (BigQuery's error-messages reference). */
export type BigqueryReason =
  | "invalid"
  | "invalidQuery"
  | "notFound"
  | "duplicate"
  | "rateLimitExceeded"
  | "backendError"
  | "required"
  | "accessDenied"
  | "authError"
  | "notImplemented";

/** google.rpc status names that go with each HTTP status in the envelope. */
const statusNames: Record<number, string> = {
  400: "INVALID_ARGUMENT",
  401: "UNAUTHENTICATED",
  403: "PERMISSION_DENIED",
  404: "NOT_FOUND",
  409: "ALREADY_EXISTS",
  429: "RESOURCE_EXHAUSTED",
  500: "INTERNAL",
  501: "UNIMPLEMENTED",
  503: "UNAVAILABLE",
};

/** One ErrorProto, as in `errors[]` of the envelope and of a job's `status`. */
export interface BigqueryErrorProto {
  reason: BigqueryReason;
  message: string;
  location?: string;
}

/** A request or job the emulator refuses. At the HTTP level it becomes BigQuery's error envelope. */
export class BigqueryApiError extends Error {
  readonly code: number;
  readonly reason: BigqueryReason;
  readonly location: string | undefined;
  readonly headers: Record<string, string>;

  constructor(
    code: number,
    reason: BigqueryReason,
    message: string,
    options: { location?: string; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.name = "BigqueryApiError";
    this.code = code;
    this.reason = reason;
    this.location = options.location;
    this.headers = options.headers ?? {};
  }

  proto(): BigqueryErrorProto {
    return {
      reason: this.reason,
      message: this.message,
      ...(this.location === undefined ? {} : { location: this.location }),
    };
  }
}

export function invalid(message: string, location?: string): BigqueryApiError {
  return new BigqueryApiError(400, "invalid", message, location === undefined ? {} : { location });
}

export function invalidQuery(message: string): BigqueryApiError {
  return new BigqueryApiError(400, "invalidQuery", message, { location: "query" });
}

export function notFound(message: string): BigqueryApiError {
  return new BigqueryApiError(404, "notFound", `Not found: ${message}`);
}

export function duplicate(message: string): BigqueryApiError {
  return new BigqueryApiError(409, "duplicate", `Already Exists: ${message}`);
}

/** Refuses valid BigQuery that the emulator does not implement, so a test never passes on a guess. */
export function unsupported(what: string, location?: string): BigqueryApiError {
  return invalid(
    `${what} is outside the emulator's supported subset (see packages/sandbox/src/bigquery/README.md)`,
    location,
  );
}

/** `{"error":{"code","message","errors":[{"reason","message","location"}],"status"}}`. */
export function sendBigqueryError(response: ServerResponse, error: BigqueryApiError): number {
  const proto = {
    ...error.proto(),
    domain: "global",
    ...(error.location === undefined ? {} : { locationType: "other" }),
  };
  sendJson(
    response,
    error.code,
    {
      error: {
        code: error.code,
        message: error.message,
        errors: [proto],
        status: statusNames[error.code] ?? "UNKNOWN",
      },
    },
    error.headers,
  );
  return error.code;
}
