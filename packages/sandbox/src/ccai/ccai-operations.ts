import { formatTimestamp, type JsonObject } from "./ccai-encoding.ts";
import { type RpcStatus, rpcStatus } from "./ccai-errors.ts";
import { type CcaiExportRequest, encodeExportRequest } from "./ccai-export-request.ts";

const metadataType = "type.googleapis.com/google.cloud.contactcenterinsights.v1.ExportInsightsDataMetadata";
const responseType = "type.googleapis.com/google.cloud.contactcenterinsights.v1.ExportInsightsDataResponse";

/** How an export ends: success, failure (Operation.error) or success with metadata.partialErrors (vendor-apis §1.5). */
export type CcaiExportOutcome =
  | { kind: "success" }
  | { kind: "error"; status: RpcStatus; message: string }
  | { kind: "partialErrors"; errors: { status: RpcStatus; message: string }[] };

/** One accepted export request, kept for assertions. */
export interface CcaiExportRecord {
  operationName: string;
  request: CcaiExportRequest;
  /** Conversations the filter matched when the request arrived, in export order. */
  conversationIds: string[];
  outcome: CcaiExportOutcome;
  createTimeMicros: number;
}

interface Operation {
  record: CcaiExportRecord;
  polls: number;
  pollsUntilDone: number;
  endTimeMicros: number;
  cancelled: boolean;
}

/** Export operations: each GET counts as a poll and the operation finishes on the configured poll. */
export class CcaiOperations {
  private readonly operations: Operation[] = [];
  private readonly byName = new Map<string, Operation>();

  add(record: CcaiExportRecord, pollsUntilDone: number): JsonObject {
    const operation: Operation = { record, polls: 0, pollsUntilDone, endTimeMicros: 0, cancelled: false };
    this.operations.push(operation);
    this.byName.set(record.operationName, operation);
    if (pollsUntilDone <= 0) operation.endTimeMicros = record.createTimeMicros;
    return this.encode(operation);
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  /** A GET: counts the poll, then answers with the operation's state. */
  poll(name: string, nowMicros: number): JsonObject | undefined {
    const operation = this.byName.get(name);
    if (!operation) return undefined;
    operation.polls += 1;
    if (!operation.endTimeMicros && operation.polls >= operation.pollsUntilDone) operation.endTimeMicros = nowMicros;
    return this.encode(operation);
  }

  /** Operations under a location, newest first, without counting as polls. */
  list(parent: string): { id: string; index: number; encoded: () => JsonObject }[] {
    return this.operations
      .map((operation, index) => ({ operation, index }))
      .filter(({ operation }) => operation.record.request.parent === parent)
      .reverse()
      .map(({ operation, index }) => ({
        id: operation.record.operationName,
        index,
        encoded: () => this.encode(operation),
      }));
  }

  /** Best effort as in google.longrunning: a running export ends with CANCELLED; a finished one is left alone. */
  cancel(name: string, nowMicros: number): boolean {
    const operation = this.byName.get(name);
    if (!operation) return false;
    if (!operation.endTimeMicros) {
      operation.cancelled = true;
      operation.endTimeMicros = nowMicros;
    }
    return true;
  }

  records(): CcaiExportRecord[] {
    return this.operations.map((operation) => operation.record);
  }

  private encode(operation: Operation): JsonObject {
    const { record } = operation;
    const done = operation.endTimeMicros > 0;
    const metadata: JsonObject = {
      "@type": metadataType,
      createTime: formatTimestamp(record.createTimeMicros),
      request: encodeExportRequest(record.request),
    };
    const encoded: JsonObject = { name: record.operationName, metadata };
    if (!done) return encoded;
    metadata.endTime = formatTimestamp(operation.endTimeMicros);
    encoded.done = true;
    const outcome = record.outcome;
    if (operation.cancelled) {
      encoded.error = rpcStatus("CANCELLED", "Operation was cancelled.");
    } else if (outcome.kind === "error") {
      encoded.error = rpcStatus(outcome.status, outcome.message);
    } else {
      if (outcome.kind === "partialErrors") {
        metadata.partialErrors = outcome.errors.map((error) => rpcStatus(error.status, error.message));
      }
      encoded.response = { "@type": responseType };
    }
    return encoded;
  }
}
