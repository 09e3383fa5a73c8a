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
  | { readonly outcome: "valid"; readonly expiresAt: number }
  /** Signed with a key retired by `retireKey()`: the link counts as expired. */
  | { readonly outcome: "retired"; readonly expiresAt: number }
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
 * Retiring the key is how every issued link expires at once: with a frozen clock, a link issued after that
 * moment has the same X-Goog-Date as one issued before, so only the key tells them apart.
 */
export class UrlSigner {
  private readonly baseSecret: string;
  private readonly account: string;
  private generation = 0;

  constructor(baseSecret: string, account = "data-export@ultimate-production.iam.gserviceaccount.com") {
    this.baseSecret = baseSecret;
    this.account = account;
  }

  retireKey(): void {
    this.generation++;
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
    parameters.set("X-Goog-Signature", this.signature(path, parameters, this.generation));
    return `${origin}${path}?${parameters.toString()}`;
  }

  check(path: string, query: URLSearchParams): SignatureCheck {
    const given = query.get("X-Goog-Signature");
    if (given === null) return { outcome: "unsigned" };
    const issuedAt = parseGoogleDate(query.get("X-Goog-Date") ?? "");
    const expires = Number(query.get("X-Goog-Expires"));
    if (issuedAt === undefined || !Number.isInteger(expires)) return { outcome: "mismatch" };
    const expiresAt = issuedAt + expires * 1000;
    for (let generation = this.generation; generation >= 0; generation--) {
      const expected = this.signature(path, query, generation);
      if (given.length === expected.length && timingSafeEqual(Buffer.from(given), Buffer.from(expected))) {
        return { outcome: generation === this.generation ? "valid" : "retired", expiresAt };
      }
    }
    return { outcome: "mismatch" };
  }

  private signature(path: string, query: URLSearchParams, generation: number): string {
    const canonical = signedParameters.map((name) => `${name}=${query.get(name) ?? ""}`).join("&");
    const secret = `${this.baseSecret}/${generation}`;
    return createHmac("sha256", secret).update(`GET\n${path}\n${canonical}\nhost`).digest("hex");
  }
}
