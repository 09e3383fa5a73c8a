import { setTimeout as sleep } from "node:timers/promises";
import type { CcaiClient } from "./ccai-client.ts";
import { isObject, type JsonObject, listAt, numberAt, objectAt, stringAt } from "./ccai-proto.ts";

export interface RpcStatus {
  readonly code: number;
  readonly message: string;
}

export type OperationOutcome =
  | { readonly kind: "succeeded"; readonly partialErrors: readonly RpcStatus[]; readonly metadata: JsonObject }
  | { readonly kind: "failed"; readonly error: RpcStatus; readonly metadata: JsonObject }
  | { readonly kind: "timedOut" };

export interface PollOptions {
  readonly initialIntervalMs: number;
  readonly maxIntervalMs: number;
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
  /** Told after every poll that found the operation still running. */
  readonly onRunning?: (metadata: JsonObject, nextPollMs: number) => void;
}

const status = (value: unknown): RpcStatus => ({
  code: numberAt(value, "code"),
  message: stringAt(value, "message") ?? "",
});

/**
 * Polls a google.longrunning Operation until `done` (omitted while false, vendor-apis §1.5), waiting 1.5x longer each
 * time. `done` with `error` is a failure; with `response` a success whose metadata may still carry `partialErrors`.
 */
export async function pollOperation(
  client: CcaiClient,
  operation: JsonObject,
  options: PollOptions,
): Promise<OperationOutcome> {
  const name = stringAt(operation, "name");
  if (name === undefined) throw new Error("the export answered without an operation name");
  const deadline = Date.now() + options.timeoutMs;
  let current = operation;
  let interval = options.initialIntervalMs;
  for (;;) {
    const metadata = objectAt(current, "metadata") ?? {};
    if (current.done === true) {
      const error = objectAt(current, "error");
      if (error !== undefined) return { kind: "failed", error: status(error), metadata };
      return {
        kind: "succeeded",
        partialErrors: listAt(metadata, "partialErrors").filter(isObject).map(status),
        metadata,
      };
    }
    if (Date.now() + interval > deadline) return { kind: "timedOut" };
    options.onRunning?.(metadata, interval);
    await sleep(interval, undefined, options.signal === undefined ? {} : { signal: options.signal });
    interval = Math.min(options.maxIntervalMs, Math.round(interval * 1.5));
    current = await client.getOperation(name, options.signal);
  }
}
