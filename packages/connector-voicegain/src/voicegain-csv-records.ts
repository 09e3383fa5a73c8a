import {
  numberField,
  numericIdField,
  textOrNullField,
  trueOrFalseField,
  ValueProblem,
  wholeNumberField,
} from "@parley/core";
import { voicegainJsonOnlyColumns } from "./voicegain-streams.ts";
import { csvTimeInstants, pickCallInstants } from "./voicegain-time.ts";
import { type CallRow, callIdFrom, dtmfEvents, type MappedCall, markers, wordCloud } from "./voicegain-values.ts";

type Cells = (name: string) => string | undefined;

/** Pipe-joined lists (seed 002: `C_Member|NEW_TAG|V_Verified`); an empty cell is an absent list. */
function split(cell: string | undefined): string[] | null {
  return cell === undefined || cell === "" ? null : cell.split("|");
}

/** Splits `a,b,rest` into at most `count` parts; the last keeps any further commas (a marker note may hold one). */
function parts(item: string, count: number): string[] {
  const out: string[] = [];
  let rest = item;
  while (out.length < count - 1) {
    const comma = rest.indexOf(",");
    if (comma === -1) break;
    out.push(rest.slice(0, comma));
    rest = rest.slice(comma + 1);
  }
  out.push(rest);
  return out;
}

function csvTime(field: string, cell: string | undefined, zone: string): number[] | undefined {
  if (cell === undefined || cell === "") return undefined;
  const instants = csvTimeInstants(cell, zone);
  if (instants === undefined)
    throw new ValueProblem(`${field}: ${JSON.stringify(cell)} is not a time like 05-12-2024 6:15:45 PM`);
  return instants;
}

/** The previous call's start across the pages of one read, to order calls inside the repeated DST hour. */
export interface CsvTimeHint {
  lastStart: number | undefined;
}

function rowFrom(cell: Cells, zone: string, hint: CsvTimeHint): CallRow {
  const duration = wholeNumberField("duration", cell("duration"));
  const starts = csvTime("startTime", cell("startTime"), zone);
  const ends = csvTime("endTime", cell("endTime"), zone);
  const { start, end } = pickCallInstants(starts, ends, duration ?? undefined, hint.lastStart);
  if (start !== undefined) hint.lastStart = start;
  const row: CallRow = {
    call_id: numericIdField("callId", cell("callId")),
    account_id: textOrNullField("accountId", cell("accountId")),
    context_id: textOrNullField("contextId", cell("contextId")),
    start_time: start === undefined ? null : new Date(start).toISOString(),
    end_time: end === undefined ? null : new Date(end).toISOString(),
    duration,
    direction: textOrNullField("direction", cell("direction")),
    external_endpoint: textOrNullField("externalEndpoint", cell("externalEndpoint")),
    internal_endpoint: textOrNullField("internalEndpoint", cell("internalEndpoint")),
    recording: textOrNullField("recording", cell("recording")),
    sa_session_id: textOrNullField("saSessionId", cell("saSessionId")),
    agent_id: textOrNullField("agent.id", cell("agent.id")),
    agent_email: textOrNullField("agent.email", cell("agent.email")),
    agent_name: textOrNullField("agent.name", cell("agent.name")),
    agent_user_id: textOrNullField("agent.userId", cell("agent.userId")),
    agent_channel: textOrNullField("agent.channel", cell("agent.channel")),
    queue_id: textOrNullField("queue.id", cell("queue.id")),
    queue_name: textOrNullField("queue.name", cell("queue.name")),
    sentiment: numberField("sentiment", cell("sentiment")),
    cr_answers_id: textOrNullField("crAnswersId", cell("crAnswersId")),
    score: numberField("score", cell("score")),
    review_status: textOrNullField("reviewStatus", cell("reviewStatus")),
    review_notes: textOrNullField("reviewNotes", cell("reviewNotes")),
    notes: textOrNullField("notes", cell("notes")),
    tags: split(cell("tags")),
    keywords: split(cell("keywords")),
    topics: split(cell("topics")),
    call_resolved: trueOrFalseField("isCallResolved", cell("isCallResolved")),
    incidents: wholeNumberField("incidents", cell("incidents")),
    // wordCloud and dtmfEvents encodings are undocumented; read like markers (`a,b|a,b`), phrase first.
    word_cloud: wordCloud(
      split(cell("wordCloud"))?.map((item) => {
        const comma = item.lastIndexOf(",");
        return {
          phrase: comma === -1 ? item : item.slice(0, comma),
          freq: comma === -1 ? undefined : item.slice(comma + 1),
        };
      }) ?? null,
    ),
    num_audio_channels: wholeNumberField("numAudioChannels", cell("numAudioChannels")),
    num_spk_channels: wholeNumberField("numSpkChannels", cell("numSpkChannels")),
    version: wholeNumberField("version", cell("version")),
    aivr_app_id: textOrNullField("aivrAppId", cell("aivrAppId")),
    aivr_session_id: textOrNullField("aivrSessionId", cell("aivrSessionId")),
    originating_call_id: numericIdField("originatingCallId", cell("originatingCallId")),
    progress_phase: textOrNullField("progressPhase", cell("progressPhase")),
    aivr_transfer_dest_type: textOrNullField("aivrTransferDestType", cell("aivrTransferDestType")),
    call_center_call_id: textOrNullField("callCenterCallId", cell("callCenterCallId")),
    language: textOrNullField("language", cell("language")),
    dtmf_events: dtmfEvents(
      split(cell("dtmfEvents"))?.map((item) => {
        const [timestamp, dtmf, channel] = parts(item, 3);
        return { dtmf, timestamp, channel };
      }) ?? null,
    ),
    daily_repeat_calls: wholeNumberField("dailyRepeatCalls", cell("dailyRepeatCalls")),
    // Seed 002: `201897,CC_AGENT_ANSWER,null|179162,CC_ANSWER,null`; the literal `null` is a missing note.
    markers: markers(
      split(cell("markers"))?.map((item) => {
        const [time, type, note] = parts(item, 3);
        return { time, type, note: note === "null" ? undefined : note };
      }) ?? null,
    ),
  };
  for (const column of voicegainJsonOnlyColumns) row[column] = null;
  return row;
}

/**
 * Builds the mapping for one CSV page from its header row. Columns are found by name, not position
 * (the vendor's own script does the same; vendor-apis §2.6); undefined when the header has no callId.
 */
export function createCsvMapper(
  header: readonly string[],
  zone: string,
  hint: CsvTimeHint = { lastStart: undefined },
): ((fields: readonly string[]) => MappedCall) | undefined {
  const index = new Map<string, number>();
  header.forEach((name, position) => {
    if (!index.has(name.trim())) index.set(name.trim(), position);
  });
  const callIdAt = index.get("callId");
  if (callIdAt === undefined) return undefined;
  // One lookup function for every row of the page, reading the row being mapped.
  let current: readonly string[] = [];
  const cell: Cells = (name) => {
    const position = index.get(name);
    return position === undefined ? undefined : current[position];
  };
  return (fields) => {
    const callId = callIdFrom(fields[callIdAt]);
    if (fields.length !== header.length) {
      return { ok: false, callId, reason: `the line has ${fields.length} fields, the header ${header.length}` };
    }
    if (callId === undefined)
      return {
        ok: false,
        callId,
        reason: `callId: ${JSON.stringify(fields[callIdAt] ?? "")} is not a numeric id`,
      };
    current = fields;
    try {
      return { ok: true, callId, row: rowFrom(cell, zone, hint) };
    } catch (error) {
      if (error instanceof ValueProblem) return { ok: false, callId, reason: error.message };
      throw error;
    }
  };
}
