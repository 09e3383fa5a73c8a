import { invalidArgument } from "./ccai-errors.ts";
import { type Comparator, type FilterNode, parseCcaiFilter } from "./ccai-filter.ts";
import type { CcaiAnalysis, CcaiConversation } from "./ccai-records.ts";

/** How a filter field reads a record. `undefined`/"" means unset: no comparison matches it, `:"*"` is false. */
export type FilterField<T> =
  | { kind: "timestamp"; read: (record: T) => number | undefined }
  | { kind: "number"; read: (record: T) => number }
  | { kind: "duration"; read: (record: T) => number }
  | { kind: "text"; read: (record: T) => readonly string[]; values?: readonly string[] }
  | { kind: "presence"; read: (record: T) => boolean }
  | { kind: "map"; read: (record: T) => Readonly<Record<string, string>> };

export type FilterFields<T> = Record<string, FilterField<T>>;

export interface FilterOptions {
  /**
   * Every documented example quotes its values, numbers included (seed 000, vendor-apis §1.6); whether the service
   * rejects bare values is not documented [I], so this is a switch. Default true: reject unquoted values.
   */
  requireQuotedValues?: boolean;
}

export type FilterPredicate<T> = (record: T) => boolean;

const rfc3339 = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/i;

function parseTimestamp(value: string, field: string): number {
  const match = rfc3339.exec(value);
  const milliseconds = match ? Date.parse(`${match[1]}${match[3]}`) : Number.NaN;
  if (!match || Number.isNaN(milliseconds)) {
    throw invalidArgument(
      `Invalid filter: ${field} needs an RFC 3339 timestamp such as "2021-01-01T00:00:00-08:00", got "${value}"`,
    );
  }
  return milliseconds * 1000 + Number((match[2] ?? "").padEnd(6, "0").slice(0, 6));
}

/** Duration values: "90s", "1.5s" or plain seconds; the documented form is not known [I]. */
function parseDurationMs(value: string, field: string): number {
  const match = /^(\d+(?:\.\d+)?)s?$/.exec(value);
  if (!match) throw invalidArgument(`Invalid filter: ${field} needs a duration such as "90s", got "${value}"`);
  return Math.round(Number(match[1]) * 1000);
}

function compare(left: number, comparator: Comparator, right: number): boolean {
  switch (comparator) {
    case "=":
    case ":":
      return left === right;
    case "!=":
      return left !== right;
    case "<":
      return left < right;
    case "<=":
      return left <= right;
    case ">":
      return left > right;
    case ">=":
      return left >= right;
  }
}

function restriction<T>(
  node: Extract<FilterNode, { type: "restriction" }>,
  fields: FilterFields<T>,
  options: FilterOptions,
): FilterPredicate<T> {
  const { field: name, comparator, value } = node;
  if (!node.quoted && value !== "*" && options.requireQuotedValues !== false) {
    throw invalidArgument(
      `Invalid filter: the value of ${name} must be double-quoted, e.g. ${name}${comparator}"${value}"`,
    );
  }
  const dot = name.indexOf(".");
  const mapField = dot > 0 ? fields[name.slice(0, dot)] : undefined;
  if (mapField?.kind === "map") return mapRestriction(name, mapField, name.slice(dot + 1), comparator, value);
  const field = fields[name];
  if (!field) throw invalidArgument(`Invalid filter: unknown field "${name}" at position ${node.position}`);
  if (field.kind === "map") return mapRestriction(name, field, undefined, comparator, value);
  if (comparator === ":" && value === "*") {
    if (field.kind === "presence") return field.read;
    if (field.kind === "timestamp") return (record) => (field.read(record) ?? 0) > 0;
    if (field.kind === "text") return (record) => field.read(record).some((item) => item !== "");
    return (record) => field.read(record) !== 0;
  }
  switch (field.kind) {
    case "presence":
      throw invalidArgument(`Invalid filter: ${name} only supports the presence test ${name}:"*"`);
    case "timestamp": {
      const target = parseTimestamp(value, name);
      return (record) => {
        const actual = field.read(record);
        return actual !== undefined && actual > 0 && compare(actual, comparator, target);
      };
    }
    case "number": {
      if (!/^-?\d+$/.test(value)) throw invalidArgument(`Invalid filter: ${name} needs an integer, got "${value}"`);
      const target = Number(value);
      return (record) => compare(field.read(record), comparator, target);
    }
    case "duration": {
      const target = parseDurationMs(value, name);
      return (record) => compare(field.read(record), comparator, target);
    }
    case "text": {
      if (!["=", "!=", ":"].includes(comparator)) {
        throw invalidArgument(`Invalid filter: ${name} supports only =, != and :, not ${comparator}`);
      }
      if (field.values && !field.values.includes(value)) {
        throw invalidArgument(
          `Invalid filter: "${value}" is not a valid ${name}; expected one of ${field.values.join(", ")}`,
        );
      }
      return comparator === "!="
        ? (record) => !field.read(record).includes(value)
        : (record) => field.read(record).includes(value);
    }
  }
}

/** `labels:"key"` tests for a key, `labels.key:"value"` (or `=`) compares its value (vendor-apis §1.6). */
function mapRestriction<T>(
  name: string,
  field: Extract<FilterField<T>, { kind: "map" }>,
  key: string | undefined,
  comparator: Comparator,
  value: string,
): FilterPredicate<T> {
  if (key === undefined) {
    if (comparator !== ":") throw invalidArgument(`Invalid filter: use ${name}:"key" to test for a key`);
    return (record) => Object.hasOwn(field.read(record), value);
  }
  if (!["=", "!=", ":"].includes(comparator)) {
    throw invalidArgument(`Invalid filter: ${name} supports only =, != and :, not ${comparator}`);
  }
  if (comparator === ":" && value === "*") return (record) => Object.hasOwn(field.read(record), key);
  const matches = (record: T) => field.read(record)[key] === value;
  return comparator === "!=" ? (record) => !matches(record) : matches;
}

function compile<T>(node: FilterNode, fields: FilterFields<T>, options: FilterOptions): FilterPredicate<T> {
  switch (node.type) {
    case "and": {
      const children = node.children.map((child) => compile(child, fields, options));
      return (record) => children.every((child) => child(record));
    }
    case "or": {
      const children = node.children.map((child) => compile(child, fields, options));
      return (record) => children.some((child) => child(record));
    }
    case "not": {
      const child = compile(node.child, fields, options);
      return (record) => !child(record);
    }
    case "restriction":
      return restriction(node, fields, options);
  }
}

/** Parses and checks a filter up front, so a bad filter fails the request before any data is read. */
export function compileCcaiFilter<T>(
  text: string,
  fields: FilterFields<T>,
  options: FilterOptions = {},
): FilterPredicate<T> {
  const node = parseCcaiFilter(text);
  return node ? compile(node, fields, options) : () => true;
}

const latest = (conversation: CcaiConversation) => conversation.analyses.at(-1);
const agentInfo = (conversation: CcaiConversation) => conversation.qualityMetadata.agentInfo;

/** The documented conversation filter fields (vendor-apis §1.6, seed 000). */
export const conversationFilterFields: FilterFields<CcaiConversation> = {
  create_time: { kind: "timestamp", read: (record) => record.createTimeMicros },
  update_time: { kind: "timestamp", read: (record) => record.updateTimeMicros },
  start_time: { kind: "timestamp", read: (record) => record.startTimeMicros },
  agent_id: { kind: "text", read: (record) => [record.agentId] },
  agent_team: { kind: "text", read: (record) => agentInfo(record).map((agent) => agent.team) },
  medium: { kind: "text", read: (record) => [record.medium], values: ["MEDIUM_UNSPECIFIED", "PHONE_CALL", "CHAT"] },
  language_code: { kind: "text", read: (record) => [record.languageCode] },
  turn_count: { kind: "number", read: (record) => record.turnCount },
  duration: { kind: "duration", read: (record) => record.durationMs },
  labels: { kind: "map", read: (record) => record.labels },
  latest_analysis: { kind: "presence", read: (record) => record.analyses.length > 0 },
  "latest_analysis.create_time": { kind: "timestamp", read: (record) => latest(record)?.createTimeMicros },
  "latest_analysis.analysis_result.call_analysis_metadata.phrase_matchers.id": {
    kind: "text",
    read: (record) => Object.keys(latest(record)?.phraseMatchers ?? {}),
  },
  "quality_metadata.customer_satisfaction_rating": {
    kind: "number",
    read: (record) => record.qualityMetadata.customerSatisfactionRating,
  },
  "quality_metadata.agent_info.agent_id": {
    kind: "text",
    read: (record) => agentInfo(record).map((agent) => agent.agentId),
  },
  "quality_metadata.agent_info.team": { kind: "text", read: (record) => agentInfo(record).map((agent) => agent.team) },
  "quality_metadata.agent_info.teams": { kind: "text", read: (record) => agentInfo(record).map((agent) => agent.team) },
  "quality_metadata.agent_info.agent_type": {
    kind: "text",
    read: (record) => agentInfo(record).map((agent) => agent.agentType),
    values: ["ROLE_UNSPECIFIED", "HUMAN_AGENT", "AUTOMATED_AGENT", "END_USER", "ANY_AGENT"],
  },
  "quality_metadata.agent_info.disposition_code": {
    kind: "text",
    read: (record) => agentInfo(record).map((agent) => agent.dispositionCode),
  },
};

/** ListAnalyses takes a filter too; which fields it accepts is not documented, so only its times [I]. */
export const analysisFilterFields: FilterFields<CcaiAnalysis> = {
  create_time: { kind: "timestamp", read: (record) => record.createTimeMicros },
  request_time: { kind: "timestamp", read: (record) => record.requestTimeMicros },
};
