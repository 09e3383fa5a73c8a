/**
 * Removes credentials from any text before it is logged, thrown or stored.
 *
 * Two layers: every secret value Parley has seen (registered when a `Secret` is created), and
 * patterns for credentials that were never in a config (tokens a vendor hands back, signed-URL
 * signatures, `Authorization` headers echoed in an error body).
 */
const knownSecrets = new Set<string>();

/** Secrets shorter than this are not registered: replacing "a" everywhere would garble logs. */
const minimumSecretLength = 6;

export const redactedMarker = "[REDACTED]";

export function registerSecret(value: string): void {
  if (value.length >= minimumSecretLength) knownSecrets.add(value);
}

const credentialPatterns: readonly RegExp[] = [
  // Authorization-style headers and key/value pairs in text, JSON or query strings.
  /\b(authorization|proxy-authorization|x-api-key|api[-_]?key|access[-_]?token|refresh[-_]?token|id[-_]?token|client[-_]?secret|password|token|secret)(["']?\s*[:=]\s*["']?)(?:(?:bearer|basic)\s+)?[^\s"'&,;}]+/gi,
  /\bBearer\s+[A-Za-z0-9._~+/=-]+/g,
  // Signed URLs (GCS V4 / V2, S3 SigV4): the signature and credential parameters.
  /\b(X-Goog-Signature|X-Goog-Credential|X-Amz-Signature|X-Amz-Credential|X-Amz-Security-Token|Signature|GoogleAccessId)=[^&\s"']+/gi,
  // PEM private keys from service-account files.
  /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g,
];

export function redact(text: string): string {
  let result = text;
  for (const secret of knownSecrets) {
    if (result.includes(secret)) result = result.split(secret).join(redactedMarker);
  }
  for (const pattern of credentialPatterns) {
    result = result.replace(pattern, (match: string, name?: string, separator?: string) =>
      typeof name === "string" && typeof separator === "string" && !match.startsWith("-----")
        ? `${name}${separator}${redactedMarker}`
        : redactedMarker,
    );
  }
  return result;
}

/** Redacts a URL for display: keeps scheme, host and path; drops the whole query string if it carries a signature. */
export function redactUrl(url: string): string {
  const queryStart = url.indexOf("?");
  if (queryStart === -1) return redact(url);
  const base = url.slice(0, queryStart);
  const query = url.slice(queryStart + 1);
  if (/X-Goog-|X-Amz-|Signature=|GoogleAccessId=/i.test(query)) return `${redact(base)}?${redactedMarker}`;
  return redact(url);
}
