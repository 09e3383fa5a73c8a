import type { ServerResponse } from "node:http";
import { sendJson } from "../server/emulator-server.ts";

/** google.rpc.Code names with their numbers and HTTP statuses (google/rpc/code.proto; vendor-apis §1.11). */
export const rpcCodes = {
  CANCELLED: { code: 1, http: 499 },
  UNKNOWN: { code: 2, http: 500 },
  INVALID_ARGUMENT: { code: 3, http: 400 },
  DEADLINE_EXCEEDED: { code: 4, http: 504 },
  NOT_FOUND: { code: 5, http: 404 },
  ALREADY_EXISTS: { code: 6, http: 409 },
  PERMISSION_DENIED: { code: 7, http: 403 },
  RESOURCE_EXHAUSTED: { code: 8, http: 429 },
  FAILED_PRECONDITION: { code: 9, http: 400 },
  ABORTED: { code: 10, http: 409 },
  OUT_OF_RANGE: { code: 11, http: 400 },
  UNIMPLEMENTED: { code: 12, http: 501 },
  INTERNAL: { code: 13, http: 500 },
  UNAVAILABLE: { code: 14, http: 503 },
  DATA_LOSS: { code: 15, http: 500 },
  UNAUTHENTICATED: { code: 16, http: 401 },
} as const;

export type RpcStatus = keyof typeof rpcCodes;

/** A request the emulator refuses; the router turns it into Google's JSON error envelope. */
export class CcaiApiError extends Error {
  readonly status: RpcStatus;
  readonly details: readonly unknown[];
  readonly headers: Record<string, string>;

  constructor(
    status: RpcStatus,
    message: string,
    options: { details?: unknown[]; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.name = "CcaiApiError";
    this.status = status;
    this.details = options.details ?? [];
    this.headers = options.headers ?? {};
  }
}

export function invalidArgument(message: string): CcaiApiError {
  return new CcaiApiError("INVALID_ARGUMENT", message);
}

/** `{"error":{"code":<http>,"message":"…","status":"…","details":[…]}}`, details only when there are some. */
export function sendCcaiError(response: ServerResponse, error: CcaiApiError): number {
  const http = rpcCodes[error.status].http;
  const body: Record<string, unknown> = { code: http, message: error.message, status: error.status };
  if (error.details.length > 0) body.details = error.details;
  sendJson(response, http, { error: body }, error.headers);
  return http;
}

/** google.rpc.Status as it appears inside an Operation: the numeric rpc code, not the HTTP status. */
export function rpcStatus(status: RpcStatus, message: string): { code: number; message: string } {
  return { code: rpcCodes[status].code, message };
}
