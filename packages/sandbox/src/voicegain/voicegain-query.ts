import { z } from "zod";
import { voicegainRecomputePhases } from "./voicegain-records.ts";
import { parseQueryTime, type ZoneClock } from "./voicegain-time.ts";

// Query parameters of `GET /sa/call` with the vendor's names and limits (seed 002; vendor-apis §2.3).

export const voicegainPeriods = [
  "today",
  "last24hours",
  "thisWeek",
  "last7days",
  "thisMonth",
  "last30days",
  "thisYear",
  "last365days",
] as const;
export type VoicegainPeriod = (typeof voicegainPeriods)[number];

export type VoicegainSortField = "time" | "score" | "documentId";

export interface VoicegainSortKey {
  field: VoicegainSortField;
  direction: "asc" | "desc";
}

export interface VoicegainQuery {
  format: "json" | "csv";
  consecutive: boolean;
  afterCallId?: number;
  fromMs?: number;
  toMs?: number;
  period?: VoicegainPeriod;
  direction?: "inbound" | "outbound";
  aivrAppId?: string[];
  agentId?: string[];
  queueId?: string[];
  internalEndpoint?: string[];
  userGroupIds?: string[];
  recomputePhase?: string[];
  voicemail?: boolean;
  inclSegments: boolean;
  page: number;
  perPage: number;
  sort: VoicegainSortKey[];
}

export type QueryResult = { query: VoicegainQuery } | { error: string };

const arrayParameters = new Set([
  "aivrAppId",
  "agentId",
  "queueId",
  "internalEndpoint",
  "userGroupIds",
  "recomputePhase",
  "sort_dir",
  "sort_by",
]);

function integer(minimum: number, maximum = Number.MAX_SAFE_INTEGER) {
  const range = maximum === Number.MAX_SAFE_INTEGER ? `>= ${minimum}` : `between ${minimum} and ${maximum}`;
  return z
    .string()
    .regex(/^\d{1,16}$/, `must be an integer ${range}`)
    .transform(Number)
    .pipe(z.number().min(minimum, `must be an integer ${range}`).max(maximum, `must be an integer ${range}`));
}

const boolean = z
  .string()
  .regex(/^(true|false)$/i, "must be true or false")
  .transform((text) => text.toLowerCase() === "true");

/** Item length 16..48 is what the vendor documents for these ids (seed 002). */
const identifier = z.string().min(16, "items must be 16 to 48 characters").max(48, "items must be 16 to 48 characters");

function schemaFor(clock: ZoneClock) {
  const time = z
    .string()
    .max(32, "must be at most 32 characters")
    .refine((text) => parseQueryTime(text, clock) !== undefined, "must be an RFC 3339 date-time");
  return z.object({
    format: z.enum(["json", "csv"], "must be json or csv").default("json"),
    consecutive: boolean.default(false),
    afterCallId: integer(0).optional(),
    fromTime: time.optional(),
    toTime: time.optional(),
    period: z.enum(voicegainPeriods, `must be one of ${voicegainPeriods.join(", ")}`).optional(),
    direction: z.enum(["inbound", "outbound"], "must be inbound or outbound").optional(),
    aivrAppId: z.array(identifier).optional(),
    agentId: z.array(identifier).optional(),
    queueId: z.array(identifier).optional(),
    internalEndpoint: z.array(z.string().min(1, "items must not be empty")).optional(),
    userGroupIds: z.array(z.string().min(1, "items must not be empty")).optional(),
    recomputePhase: z.array(z.enum(voicegainRecomputePhases, "unknown recompute phase")).optional(),
    voicemail: boolean.optional(),
    inclSegments: boolean.default(false),
    contextId: identifier.optional(),
    page: integer(1).default(1),
    per_page: integer(1, 10_000).default(50),
    sort_dir: z.array(z.enum(["asc", "desc"], "items must be asc or desc")).optional(),
    sort_by: z.array(z.enum(["time", "score", "documentId"], "items must be time, score or documentId")).optional(),
  });
}

/** Builds a parser; array parameters are accepted repeated (seed 002) and comma-joined (vendor SDK). */
export function createQueryParser(clock: ZoneClock): (parameters: URLSearchParams) => QueryResult {
  const schema = schemaFor(clock);
  const known = new Set(Object.keys(schema.shape));
  return (parameters) => {
    const raw: Record<string, string | string[]> = {};
    for (const name of new Set(parameters.keys())) {
      if (!known.has(name)) continue;
      const values = parameters.getAll(name);
      if (arrayParameters.has(name)) {
        raw[name] = values.flatMap((value) => value.split(","));
      } else if (values.length > 1) {
        return { error: `Query parameter '${name}' must be given once` };
      } else {
        raw[name] = values[0] ?? "";
      }
    }
    const parsed = schema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const name = String(issue?.path[0] ?? "query");
      return { error: `Invalid value of query parameter '${name}': ${issue?.message ?? "invalid"}` };
    }
    const values = parsed.data;
    const sortGiven = values.sort_by !== undefined || values.sort_dir !== undefined;
    if (values.consecutive && sortGiven) {
      return { error: "Parameters sort_by and sort_dir cannot be used together with consecutive=true" };
    }
    const fields = values.sort_by ?? ["documentId" as const];
    const directions = values.sort_dir ?? fields.map(() => "asc" as const);
    if (directions.length !== fields.length) {
      return { error: "Elements of sort_dir must match the elements of sort_by" };
    }
    const query: VoicegainQuery = {
      format: values.format,
      consecutive: values.consecutive,
      inclSegments: values.inclSegments,
      page: values.page,
      perPage: values.per_page,
      sort: fields.map((field, index) => ({ field, direction: directions[index] ?? "asc" })),
    };
    if (values.afterCallId !== undefined) query.afterCallId = values.afterCallId;
    if (values.fromTime !== undefined) query.fromMs = parseQueryTime(values.fromTime, clock) as number;
    if (values.toTime !== undefined) query.toMs = parseQueryTime(values.toTime, clock) as number;
    if (values.period !== undefined) query.period = values.period;
    if (values.direction !== undefined) query.direction = values.direction;
    if (values.aivrAppId !== undefined) query.aivrAppId = values.aivrAppId;
    if (values.agentId !== undefined) query.agentId = values.agentId;
    if (values.queueId !== undefined) query.queueId = values.queueId;
    if (values.internalEndpoint !== undefined) query.internalEndpoint = values.internalEndpoint;
    if (values.userGroupIds !== undefined) query.userGroupIds = values.userGroupIds;
    if (values.recomputePhase !== undefined) query.recomputePhase = values.recomputePhase;
    if (values.voicemail !== undefined) query.voicemail = values.voicemail;
    return { query };
  };
}
