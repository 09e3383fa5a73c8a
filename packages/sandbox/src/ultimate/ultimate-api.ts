import type { IncomingMessage, ServerResponse } from "node:http";
import { z } from "zod";
import { sendJson, sendText } from "../server/emulator-server.ts";
import { dayOf, parseDay } from "./ultimate-dates.ts";
import type { UltimateApiVersion } from "./ultimate-options.ts";
import { objectPath } from "./ultimate-signing.ts";
import type { UltimateState } from "./ultimate-state.ts";

// Seed 004: `date` is an ISO date string (required), `ttl` an integer of minutes (optional).
const requestBodySchema = z.object({ date: z.string(), ttl: z.number().int().positive().optional() });

type Reply =
  | { readonly status: number; readonly text: string; readonly headers?: Record<string, string> }
  | { readonly status: 200; readonly json: { readonly date: string; readonly urls: readonly string[] } };

/** `POST /data-export/{v2,v3}/get-signed-urls`. Error bodies are plain text (seed 004's response table). */
export function handleSignedUrls(
  state: UltimateState,
  version: UltimateApiVersion,
  request: IncomingMessage,
  response: ServerResponse,
  body: string,
): void {
  const reply = decide(state, version, request, body);
  if ("json" in reply) sendJson(response, reply.status, reply.json);
  else sendText(response, reply.status, reply.text, undefined, reply.headers ?? {});
}

/** Auth headers first, then the body, then the bot and the day. */
function decide(state: UltimateState, version: UltimateApiVersion, request: IncomingMessage, body: string): Reply {
  const { settings, generator } = state;
  const fault = state.faults.take("signed-urls");
  if (fault?.kind === "rate-limit") {
    return { status: 429, text: "Too Many Requests", headers: { "retry-after": String(fault.retryAfterSeconds ?? 1) } };
  }
  if (fault?.kind === "server-error") return { status: 500, text: "Internal Server Error" };
  if (!authorized(state, request)) return { status: 401, text: "Unauthorized" };
  const botId = singleHeader(request, "botid");
  // The docs do not say what a missing botId returns; a malformed request is 400 elsewhere, so 400 here [I].
  if (botId === undefined) return { status: 400, text: "Bad Request: botId header is required" };
  const parsed = parseRequestBody(body);
  if (typeof parsed === "string") return { status: 400, text: `Bad Request: ${parsed}` };
  const bot = generator.bot(botId);
  if (!bot) return { status: 404, text: "Not Found: unknown bot" };
  const now = state.now();
  const today = dayOf(now);
  // Files are generated at midnight UTC for the day before (seed 004), so today has no file yet.
  if (parsed.day >= today) return { status: 400, text: "Bad Request: date must be before today (UTC)" };
  if (version === "v3" && parsed.day < settings.v3EarliestDay) {
    return { status: 400, text: "Bad Request: data is only available from 2024-01-01" };
  }
  if (version === "v2" && parsed.day < today - settings.v2WindowDays) {
    return { status: 400, text: `Bad Request: date is older than ${settings.v2WindowDays} days` };
  }
  if (parsed.day < bot.createdDay) return { status: 404, text: "Not Found: no export for this date" };
  const ttlMinutes = Math.min(parsed.ttl ?? settings.defaultTtlMinutes, settings.maxTtlMinutes);
  const origin = request.headers.host ? `http://${request.headers.host}` : "";
  const urls = Array.from({ length: generator.options.filesPerDay }, (_, file) => {
    const path = objectPath({ bucket: settings.buckets[version], botId, date: parsed.date, file }, parsed.day);
    return state.signer.sign(origin, path, now.getTime(), ttlMinutes * 60);
  });
  return { status: 200, json: { date: parsed.date, urls } };
}

function authorized(state: UltimateState, request: IncomingMessage): boolean {
  const { apiKey, refuseBearer, organizationId } = state.settings;
  let key = singleHeader(request, "authorization");
  if (key === undefined) return false;
  // Two clients send the raw key; one saw `Bearer <key>` refused with 401 (vendor-apis §3.2).
  if (/^bearer /i.test(key)) {
    if (refuseBearer) return false;
    key = key.slice(7);
  }
  return key === apiKey && singleHeader(request, "organizationid") === organizationId;
}

function singleHeader(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return typeof value === "string" && value.length > 0 ? value : undefined;
}

function parseRequestBody(body: string): { date: string; day: number; ttl: number | undefined } | string {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return "body must be JSON";
  }
  const checked = requestBodySchema.safeParse(json);
  if (!checked.success) {
    return checked.error.issues.map((issue) => `${issue.path.join(".") || "body"}: ${issue.message}`).join("; ");
  }
  const day = parseDay(checked.data.date);
  if (day === undefined) return "date must be an ISO date (YYYY-MM-DD)";
  return { date: checked.data.date, day, ttl: checked.data.ttl };
}
