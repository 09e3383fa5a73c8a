import { AuthError, Secret } from "@parley/core";
import type { CcaiConfig } from "./ccai-config.ts";

/** The only scope CCAI Insights and google.longrunning.Operations need (vendor-apis §1.2). */
export const cloudPlatformScope = "https://www.googleapis.com/auth/cloud-platform";

export interface TokenProvider {
  /** What the user calls the credential, for AuthError messages (never its value). */
  readonly credentialName: string;
  /** The `authorization` header value. */
  header(): Promise<Secret>;
}

/**
 * A static `accessToken`, or google-auth-library (a key file or application default credentials), which caches the
 * token and refreshes it before it expires. The library is loaded on first use, so creating a source does no I/O.
 */
export function createTokenProvider(config: Pick<CcaiConfig, "accessToken" | "keyFile">): TokenProvider {
  const accessToken = config.accessToken;
  if (accessToken !== undefined) {
    const header = new Secret(`Bearer ${accessToken.reveal()}`);
    return { credentialName: "the `accessToken` setting", header: async () => header };
  }
  const credentialName =
    config.keyFile === undefined
      ? "application default credentials (GOOGLE_APPLICATION_CREDENTIALS or `gcloud auth application-default login`)"
      : "the service-account key file named by the `keyFile` setting";
  let auth: Promise<{ getAccessToken(): Promise<string | null | undefined> }> | undefined;
  return {
    credentialName,
    async header() {
      silenceMetadataLookupWarnings();
      auth ??= import("google-auth-library").then(
        ({ GoogleAuth }) =>
          new GoogleAuth({
            scopes: [cloudPlatformScope],
            ...(config.keyFile === undefined ? {} : { keyFilename: config.keyFile }),
          }),
      );
      try {
        const token = await (await auth).getAccessToken();
        if (typeof token !== "string" || token === "") throw new Error("no access token was returned");
        return new Secret(`Bearer ${token}`);
      } catch (cause) {
        auth = undefined;
        throw new AuthError(
          `Could not obtain a Google access token from ${credentialName}: ${(cause as Error).message}`,
          {
            credential: credentialName,
            cause,
          },
        );
      }
    },
  };
}

let silenced = false;

/**
 * Off Google Cloud, application default credentials make gcp-metadata probe the metadata server, and an answer it
 * does not expect (a proxy's 403, DNS) becomes a Node process warning printed to stderr after Parley's own
 * AuthError, which already says the credentials could not be obtained; in `--log-format json` it broke the one
 * JSON object per line. Only that warning type is dropped; every other warning still reaches Node's handler.
 */
function silenceMetadataLookupWarnings(): void {
  if (silenced) return;
  silenced = true;
  const emitWarning = process.emitWarning.bind(process) as (...args: unknown[]) => void;
  process.emitWarning = ((warning: unknown, ...rest: unknown[]) => {
    const [options] = rest;
    const type =
      typeof options === "string"
        ? options
        : typeof options === "object" && options !== null
          ? (options as { type?: unknown }).type
          : warning instanceof Error
            ? warning.name
            : undefined;
    if (type === "MetadataLookupWarning") return;
    emitWarning(warning, ...rest);
  }) as typeof process.emitWarning;
}
