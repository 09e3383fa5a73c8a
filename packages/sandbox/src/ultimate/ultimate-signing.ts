import { createHmac, timingSafeEqual } from "node:crypto";
import { compactDay, formatGoogleDate, parseGoogleDate } from "./ultimate-dates.ts";

/** The object a signed URL points at; its path mirrors seed 004's example URL. */
export interface SignedObject {
  readonly bucket: string;
  readonly botId: string;
  readonly day: number;
  readonly date: string;
  readonly file: number;
}

export type SignatureCheck =
  | { readonly outcome: "valid"; readonly expiresAt: number; readonly signature: string }
  | { readonly outcome: "unsigned" }
  | { readonly outcome: "mismatch" };

const signedParameters = [
  "X-Goog-Algorithm",
  "X-Goog-Credential",
  "X-Goog-Date",
  "X-Goog-Expires",
  "X-Goog-SignedHeaders",
] as const;
const objectPathPattern =
  /^\/([^/]+)\/files\/([0-9a-zA-Z]+)\/(\d{4}-\d{2}-\d{2})\/conversation_([0-9a-zA-Z]+)_(\d{8})_(\d{12})\.json$/;

export function objectPath(object: Omit<SignedObject, "day">, day: number): string {
  const name = `conversation_${object.botId}_${compactDay(day)}_${String(object.file).padStart(12, "0")}.json`;
  return `/${object.bucket}/files/${object.botId}/${object.date}/${name}`;
}

export function parseObjectPath(path: string): Omit<SignedObject, "day"> | undefined {
  const match = objectPathPattern.exec(path);
  if (!match) return undefined;
  const [, bucket, botId, date, nameBotId, compact, file] = match as unknown as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  if (botId !== nameBotId || date.replaceAll("-", "") !== compact) return undefined;
  return { bucket, botId, date, file: Number(file) };
}

/**
 * GCS V4-style signed URLs. Real ones carry an RSA signature by a service account; an HMAC over the path and
 * the X-Goog parameters is enough to catch a client that rewrites or re-encodes the URL it was given.
 */
export class UrlSigner {
  private readonly secret: string;
  private readonly account: string;

  constructor(secret: string, account = "data-export@ultimate-production.iam.gserviceaccount.com") {
    this.secret = secret;
    this.account = account;
  }

  sign(origin: string, path: string, issuedAt: number, expiresSeconds: number): string {
    const googleDate = formatGoogleDate(issuedAt);
    const parameters = new URLSearchParams({
      "X-Goog-Algorithm": "GOOG4-RSA-SHA256",
      "X-Goog-Credential": `${this.account}/${googleDate.slice(0, 8)}/auto/storage/goog4_request`,
      "X-Goog-Date": googleDate,
      "X-Goog-Expires": String(expiresSeconds),
      "X-Goog-SignedHeaders": "host",
    });
    parameters.set("X-Goog-Signature", this.signature(path, parameters));
    return `${origin}${path}?${parameters.toString()}`;
  }

  check(path: string, query: URLSearchParams): SignatureCheck {
    const given = query.get("X-Goog-Signature");
    if (given === null) return { outcome: "unsigned" };
    const expected = this.signature(path, query);
    const matches = given.length === expected.length && timingSafeEqual(Buffer.from(given), Buffer.from(expected));
    const issuedAt = parseGoogleDate(query.get("X-Goog-Date") ?? "");
    const expires = Number(query.get("X-Goog-Expires"));
    if (!matches || issuedAt === undefined || !Number.isInteger(expires)) return { outcome: "mismatch" };
    return { outcome: "valid", expiresAt: issuedAt + expires * 1000, signature: given };
  }

  private signature(path: string, query: URLSearchParams): string {
    const canonical = signedParameters.map((name) => `${name}=${query.get(name) ?? ""}`).join("&");
    return createHmac("sha256", this.secret).update(`GET\n${path}\n${canonical}\nhost`).digest("hex");
  }
}
