/**
 * Builds the filter sent to ListConversations / ExportInsightsData from the user's filter and Parley's own terms.
 * Google's filter language (vendor-apis §1.6, AIP-160): whitespace-separated terms are ANDed, values are quoted (numbers
 * too), times are RFC 3339. The user's text is sent unchanged; when it contains OR it is parenthesised so an appended
 * term cannot attach to one side of the OR.
 */
export function combineFilter(userFilter: string | undefined, terms: readonly string[]): string {
  const user = userFilter?.trim() ?? "";
  const parts = [...terms];
  if (user !== "") parts.unshift(containsOr(user) ? `(${user})` : user);
  return parts.join(" ");
}

/** True when OR appears as an operator, i.e. outside quoted values. */
export function containsOr(filter: string): boolean {
  const unquoted = filter.replace(/"(?:[^"\\]|\\.)*"/g, '""');
  return /(^|[\s()])OR($|[\s()])/.test(unquoted);
}

/** A filter term comparing a time field, e.g. `update_time>"2024-05-03T09:05:10Z"`. */
export function timeTerm(
  field: "update_time" | "create_time",
  operator: ">" | ">=" | "<" | "<=",
  time: string,
): string {
  return `${field}${operator}"${time}"`;
}
