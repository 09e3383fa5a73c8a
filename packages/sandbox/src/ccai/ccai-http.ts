import { once } from "node:events";
import type { IncomingHttpHeaders, ServerResponse } from "node:http";
import { CcaiApiError, invalidArgument } from "./ccai-errors.ts";

export interface AuthOptions {
  /** Accepted bearer tokens; when absent any non-empty token is accepted (vendor-apis §1.2 [I]). */
  tokens?: readonly string[] | undefined;
  /** Tokens that authenticate but lack IAM permission: 403 PERMISSION_DENIED. */
  deniedTokens?: readonly string[] | undefined;
  /** When set, requests for any other project get 403, as Google answers for projects the caller cannot see. */
  project?: string | undefined;
}

const credentialHelp =
  "Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.";
const authenticateHeader = { "www-authenticate": 'Bearer realm="https://accounts.google.com/"' };

/** Bearer token from the header (or the standard `access_token` query parameter). */
export function checkAuth(
  headers: IncomingHttpHeaders,
  query: URLSearchParams,
  options: AuthOptions,
  permission: string,
  resource: string,
): string {
  const header = headers.authorization;
  const queryToken = query.get("access_token");
  if (header === undefined && queryToken === null) {
    throw new CcaiApiError(
      "UNAUTHENTICATED",
      `Request is missing required authentication credential. ${credentialHelp}`,
      {
        headers: authenticateHeader,
      },
    );
  }
  const match = header === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(header);
  const token = match?.[1] ?? (header === undefined ? queryToken : null);
  if (!token || (options.tokens && !options.tokens.includes(token))) {
    throw new CcaiApiError("UNAUTHENTICATED", `Request had invalid authentication credentials. ${credentialHelp}`, {
      headers: { "www-authenticate": 'Bearer realm="https://accounts.google.com/", error="invalid_token"' },
    });
  }
  const project = /^projects\/([^/]+)/.exec(resource)?.[1];
  if (options.deniedTokens?.includes(token) || (options.project !== undefined && project !== options.project)) {
    throw new CcaiApiError(
      "PERMISSION_DENIED",
      `Permission '${permission}' denied on resource '//contactcenterinsights.googleapis.com/${resource}' (or it may not exist).`,
    );
  }
  return token;
}

/** Query parameters every Google REST method accepts (discovery "parameters", vendor-apis §1.2). */
const systemParameters = new Set([
  "access_token",
  "oauth_token",
  "key",
  "alt",
  "fields",
  "prettyPrint",
  "quotaUser",
  "$.xgafv",
  "callback",
  "upload_protocol",
  "uploadType",
]);

const camel = (name: string) => name.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase());

/**
 * Reads the method's query parameters under either spelling (`pageSize` or `page_size`) and refuses unknown ones the
 * way Google's REST front end does, which catches misspelt parameters that would otherwise be silently ignored.
 */
export function readQuery(query: URLSearchParams, allowed: readonly string[]): Map<string, string> {
  const values = new Map<string, string>();
  for (const [key, value] of query) {
    if (systemParameters.has(key)) continue;
    const name = camel(key);
    if (!allowed.includes(name)) {
      throw invalidArgument(
        `Invalid JSON payload received. Unknown name "${key}": Cannot bind query parameter. Field '${key}' could not be found in request message.`,
      );
    }
    values.set(name, value);
  }
  return values;
}

/** Parses an enum query parameter given by name (empty means the first, unspecified, value). */
export function readEnum<T extends string>(
  raw: string | undefined,
  names: readonly T[],
  field: string,
  typeName: string,
): T {
  if (raw === undefined || raw === "") return names[0] as T;
  if (!names.includes(raw as T)) {
    throw invalidArgument(`Invalid value at '${field}' (type.googleapis.com/${typeName}), "${raw}"`);
  }
  return raw as T;
}

/**
 * Writes `{"<key>":[...],"nextPageToken":"..."}` one item at a time, waiting for the socket to drain, so a page of
 * 1,000 full transcripts is never held as one string.
 */
export async function streamList(
  response: ServerResponse,
  key: string,
  items: Iterable<unknown>,
  nextPageToken: string | undefined,
): Promise<void> {
  response.writeHead(200, { "content-type": "application/json; charset=UTF-8" });
  let first = true;
  let wrote = false;
  for (const item of items) {
    const text = `${first ? `{"${key}":[` : ","}${JSON.stringify(item)}`;
    first = false;
    wrote = true;
    if (!response.write(text)) await once(response, "drain");
  }
  // proto3 JSON omits an empty list and an empty token: the last page of nothing is `{}`.
  const tail = nextPageToken ? `"nextPageToken":${JSON.stringify(nextPageToken)}` : "";
  response.end(wrote ? `]${tail ? `,${tail}` : ""}}` : `{${tail}}`);
}
