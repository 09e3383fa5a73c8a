import { type RunningServer, type ServeOptions, serve } from "../server/emulator-server.ts";
import {
  bigQuerySchemaFor,
  type CcaiBigQueryRow,
  type CcaiBigQuerySchema,
  toCcaiBigQueryRow,
} from "./ccai-bigquery.ts";
import type { CcaiContext, CcaiFaultStatus } from "./ccai-context.ts";
import { type CcaiView, encodeCcaiConversation, type JsonObject } from "./ccai-encoding.ts";
import { CcaiGenerator } from "./ccai-generator.ts";
import type { CcaiTranscriptLines } from "./ccai-generator-transcript.ts";
import { type CcaiExportOutcome, type CcaiExportRecord, CcaiOperations } from "./ccai-operations.ts";
import { PageTokens } from "./ccai-paging.ts";
import type { CcaiConversation, CcaiFullConversation } from "./ccai-records.ts";
import { routeCcaiRequest } from "./ccai-routes.ts";
import { CcaiClock, CcaiStore } from "./ccai-store.ts";

export interface CcaiEmulatorOptions extends ServeOptions {
  /** Same seed, same data. Default 1. */
  seed?: number;
  /** Conversations generated at start. Default 200. */
  conversations?: number;
  /** Creation time of the first conversation. Default 2024-05-01T00:00:00Z. */
  baseTime?: string;
  /** Every n-th conversation's top-level agentId differs from agentInfo[0].agentId (see CcaiGeneratorOptions). */
  agentIdMismatchEvery?: number;
  /** What agents and customers say in transcripts (default: fixed support-call lines without personal data). */
  transcriptLines?: CcaiTranscriptLines;
  /** Chats' transcript segments carry channel tags and per-channel sentiments (see CcaiGeneratorOptions). */
  chatChannelTags?: boolean;
  /** Clock start; default one hour after the last initial conversation. */
  clockStart?: string;
  /** "frozen" moves only through clock.advance/set (tests); "running" follows wall time. Default "running". */
  clock?: "running" | "frozen";
  /** Project and location used by the controls' resource names; requests may name any unless `strictProject`. */
  project?: string;
  location?: string;
  /** When true, requests for projects other than `project` get 403. Default false. */
  strictProject?: boolean;
  /** Accepted bearer tokens (default: any non-empty token). */
  tokens?: readonly string[];
  /** Tokens answered with 403 PERMISSION_DENIED. */
  deniedTokens?: readonly string[];
  /** Page size when 0 or absent (100) and the maximum (1000), and what to do above it ("clamp"). */
  defaultPageSize?: number;
  maxPageSize?: number;
  oversizedPageSize?: "clamp" | "reject";
  /** Reject unquoted filter values (default true; see ccai-filter-fields.ts). */
  requireQuotedFilterValues?: boolean;
  /** GET polls after which an export operation is done (default 2; 0 = done at once). */
  exportPollsUntilDone?: number;
  exportOutcome?: CcaiExportOutcome;
  /** Default 60 per 60,000 ms per project. */
  exportQuota?: { limit: number; windowMs: number };
  /** "project.dataset" / "project.dataset.table" that exist; when given, others are INVALID_ARGUMENT. */
  existingBigQueryTables?: readonly string[];
  /**
   * Where a successful export's rows go, as Google's export service writes them into BigQuery: called once per
   * ExportInsightsData, before it is answered, with the destination, the write disposition and the rows in the
   * requested schema version. Without it, rows are only available through `exportedRows`.
   */
  bigQueryWriter?: (
    destination: { projectId: string; dataset: string; table: string },
    writeDisposition: "WRITE_TRUNCATE" | "WRITE_APPEND",
    rows: readonly CcaiBigQueryRow[],
  ) => Promise<void>;
}

export interface CcaiRequestLogEntry {
  method: string;
  path: string;
  query: Record<string, string>;
  authorization: string | undefined;
  status: number;
}

export interface CcaiEmulator extends RunningServer {
  readonly generator: CcaiGenerator;
  /** `projects/{project}/locations/{location}` from the options. */
  readonly parent: string;
  readonly clock: { now(): Date; advance(milliseconds: number): void; set(time: string | Date): void };
  /** Stored conversations in creation order (live objects: do not mutate). */
  conversations(): readonly CcaiConversation[];
  conversation(idOrName: string): CcaiFullConversation;
  /** The exact JSON the API serves for a conversation (FULL by default, as GetConversation). */
  encodedConversation(idOrName: string, view?: CcaiView, parent?: string): JsonObject;
  addConversations(count: number): CcaiConversation[];
  touch(idOrName: string): CcaiConversation;
  reanalyze(idOrName: string): CcaiConversation;
  requests(): readonly CcaiRequestLogEntry[];
  /** The next `count` requests (any route) fail with this status: 429, 503 or 500. */
  injectFault(status: CcaiFaultStatus, count?: number): void;
  setExportOutcome(outcome: CcaiExportOutcome): void;
  exports(): readonly CcaiExportRecord[];
  /** Rows the export would have written, computed from the conversations' current state, one at a time. */
  exportedRows(operationName: string, schema?: CcaiBigQuerySchema): Iterable<CcaiBigQueryRow>;
}

export async function createCcaiEmulator(options: CcaiEmulatorOptions = {}): Promise<CcaiEmulator> {
  const seed = options.seed ?? 1;
  const count = options.conversations ?? 200;
  const generator = new CcaiGenerator({
    seed,
    ...(options.baseTime ? { baseTime: options.baseTime } : {}),
    ...(options.agentIdMismatchEvery === undefined ? {} : { agentIdMismatchEvery: options.agentIdMismatchEvery }),
    ...(options.transcriptLines ? { transcriptLines: options.transcriptLines } : {}),
    ...(options.chatChannelTags === undefined ? {} : { chatChannelTags: options.chatChannelTags }),
  });
  const clockStart = options.clockStart
    ? Date.parse(options.clockStart) * 1000
    : Math.floor(generator.baseTimeMicros / 1_000_000 + count * 600 + 3600) * 1_000_000;
  const clock = new CcaiClock(clockStart, options.clock ?? "running");
  const store = new CcaiStore(generator, clock);
  store.add(count);
  const project = options.project ?? "parley-sandbox";
  const parent = `projects/${project}/locations/${options.location ?? "us-central1"}`;
  const context: CcaiContext = {
    store,
    generator,
    clock,
    operations: new CcaiOperations(),
    pageTokens: new PageTokens(`ccai-${seed}`),
    auth: {
      tokens: options.tokens,
      deniedTokens: options.deniedTokens,
      project: options.strictProject ? project : undefined,
    },
    pageSize: {
      defaultPageSize: options.defaultPageSize ?? 100,
      maxPageSize: options.maxPageSize ?? 1000,
      oversizedPageSize: options.oversizedPageSize ?? "clamp",
    },
    filter: { requireQuotedValues: options.requireQuotedFilterValues ?? true },
    exportPollsUntilDone: options.exportPollsUntilDone ?? 2,
    exportOutcome: options.exportOutcome ?? { kind: "success" },
    exportQuota: options.exportQuota ?? { limit: 60, windowMs: 60_000 },
    exportTimes: new Map(),
    existingBigQueryTables: options.existingBigQueryTables,
    deliverExport: undefined,
    faults: [],
    nextOperationNumber: 0,
  };
  const log: CcaiRequestLogEntry[] = [];
  const server = await serve(async (request, response) => {
    const url = new URL(request.url ?? "/", "http://emulator");
    const entry: CcaiRequestLogEntry = {
      method: request.method ?? "GET",
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      authorization: request.headers.authorization,
      status: 0,
    };
    log.push(entry);
    entry.status = await routeCcaiRequest(context, request, response);
  }, options);
  const full = (idOrName: string) => store.full(store.resolve(idOrName));
  const writer = options.bigQueryWriter;
  if (writer !== undefined)
    context.deliverExport = (record) =>
      writer(
        record.request.bigQueryDestination,
        // WRITE_DISPOSITION_UNSPECIFIED means WRITE_TRUNCATE (vendor-apis §1.12).
        record.request.writeDisposition === "WRITE_APPEND" ? "WRITE_APPEND" : "WRITE_TRUNCATE",
        record.conversationIds.map((id) =>
          toCcaiBigQueryRow(full(id), record.request.parent, bigQuerySchemaFor(record.request.exportSchemaVersion)),
        ),
      );
  return {
    ...server,
    generator,
    parent,
    clock: {
      now: () => clock.now(),
      advance: (milliseconds) => clock.advance(milliseconds),
      set: (time) => clock.set(time),
    },
    conversations: () => store.all(),
    conversation: full,
    encodedConversation: (idOrName, view = "FULL", at = parent) => {
      const conversation = store.resolve(idOrName);
      return encodeCcaiConversation(conversation, at, view === "FULL" ? generator.transcript(conversation) : undefined);
    },
    addConversations: (added) => store.add(added),
    touch: (idOrName) => store.touch(idOrName),
    reanalyze: (idOrName) => store.reanalyze(idOrName),
    requests: () => log,
    injectFault: (status, times = 1) => {
      context.faults.push({ status, remaining: times });
    },
    setExportOutcome: (outcome) => {
      context.exportOutcome = outcome;
    },
    exports: () => context.operations.records(),
    exportedRows: (operationName, schema) => {
      const record = context.operations.records().find((candidate) => candidate.operationName === operationName);
      if (!record) throw new Error(`no export operation ${operationName}`);
      const shape = schema ?? bigQuerySchemaFor(record.request.exportSchemaVersion);
      return (function* () {
        for (const id of record.conversationIds) yield toCcaiBigQueryRow(full(id), record.request.parent, shape);
      })();
    },
  };
}
