import { inspect } from "node:util";
import { describe, expect, test } from "vitest";
import { z } from "zod";
import { parseConfig, parseConfigOrThrow } from "./parse-config.ts";
import { redact, redactUrl } from "./redactor.ts";
import { Secret, secretString } from "./secret.ts";

describe("Secret", () => {
  test("never prints its value, whatever way it is turned into text", () => {
    const secret = new Secret("tok_live_abcdef123456");
    expect(String(secret)).toBe("[REDACTED]");
    expect(JSON.stringify({ token: secret })).toBe('{"token":"[REDACTED]"}');
    expect(inspect({ token: secret })).not.toContain("tok_live");
    expect(`${secret}`).toBe("[REDACTED]");
    expect(secret.reveal()).toBe("tok_live_abcdef123456");
  });

  test("registers its value so it is redacted from any later text", () => {
    new Secret("s3cr3t-value-987");
    expect(redact("server said: invalid key s3cr3t-value-987 for org")).toBe(
      "server said: invalid key [REDACTED] for org",
    );
  });
});

describe("redact", () => {
  test.each([
    ["authorization: Bearer abc.def.ghi", "[REDACTED]"],
    ['{"Authorization":"raw-key-1234567"}', '{"Authorization":"[REDACTED]"}'],
    ["https://x/y?access_token=ya29.AAAA&page=2", "access_token=[REDACTED]&page=2"],
    ["token=abcdef123 next", "token=[REDACTED] next"],
  ])("removes credentials from %s", (input, expected) => {
    expect(redact(input)).toContain(expected);
    expect(redact(input)).not.toMatch(/abc\.def|raw-key|ya29|abcdef123/);
  });

  test("keeps harmless words such as pageToken names and counts", () => {
    expect(redact("nextPageToken present, 12 records")).toBe("nextPageToken present, 12 records");
  });

  test("drops signed URL query strings entirely", () => {
    const url =
      "https://storage.example/b/f.json?X-Goog-Algorithm=GOOG4-RSA-SHA256&X-Goog-Credential=sa%40p&X-Goog-Signature=deadbeef";
    expect(redactUrl(url)).toBe("https://storage.example/b/f.json?[REDACTED]");
    expect(redact(url)).not.toContain("deadbeef");
  });
});

describe("parseConfig", () => {
  const schema = z.strictObject({
    organizationId: z.string().min(1),
    botIds: z.array(z.string().regex(/^[a-f0-9]+$/, { error: "must be a hex bot id" })).min(1),
    token: secretString("API key"),
  });

  test("names the path of every bad field and what is expected", () => {
    const parsed = parseConfig(
      schema,
      { organizationId: "", botIds: ["ok12", "NOT HEX"], tokn: "x" },
      "sources.ultimate",
    );
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    const byPath = Object.fromEntries(parsed.issues.map((issue) => [issue.path, issue.message]));
    expect(byPath["sources.ultimate.organizationId"]).toMatch(/at least 1|empty|>=1/i);
    expect(byPath["sources.ultimate.botIds[1]"]).toBe("must be a hex bot id");
    expect(byPath["sources.ultimate.token"]).toMatch(/expected a string/);
    expect(byPath["sources.ultimate"]).toMatch(/unknown field "tokn"/);
  });

  test("throws a ConfigError whose message lists the paths, never the secret", () => {
    expect(() =>
      parseConfigOrThrow(
        schema,
        { organizationId: "o", botIds: [], token: "super-secret-token" },
        { pathPrefix: "sources.u" },
      ),
    ).toThrow(/sources\.u\.botIds: .*1/);
    try {
      parseConfigOrThrow(schema, { organizationId: 5, botIds: ["a"], token: "super-secret-token" });
    } catch (error) {
      expect(String(error)).not.toContain("super-secret-token");
    }
  });

  test("gives the secret back as a Secret", () => {
    const parsed = parseConfigOrThrow(schema, { organizationId: "o", botIds: ["ab"], token: "another-secret-1" });
    expect(parsed.token).toBeInstanceOf(Secret);
    expect(parsed.token.reveal()).toBe("another-secret-1");
  });
});
