import { ConfigError, parseConfig, Secret } from "@parley/core";
import { describe, expect, test } from "vitest";
import { postgresConfigSchema } from "./postgres-config.ts";
import { createPostgresSink } from "./postgres-sink.ts";

function issues(input: unknown): Record<string, string> {
  const parsed = parseConfig(postgresConfigSchema, input, "sink");
  return parsed.ok ? {} : Object.fromEntries(parsed.issues.map((issue) => [issue.path, issue.message]));
}

describe("postgres config", () => {
  test("takes a url, with defaults for schema and pool size, and keeps it as a Secret", () => {
    const parsed = parseConfig(postgresConfigSchema, { url: "postgres://loader:pw-123456@db:5432/warehouse" });
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.config.url).toBeInstanceOf(Secret);
    expect(parsed.config).toMatchObject({ schema: "parley", poolSize: 4 });
    expect(JSON.stringify(parsed.config)).not.toContain("pw-123456");
  });

  test("takes the connection as fields instead", () => {
    const parsed = parseConfig(postgresConfigSchema, {
      host: "db",
      port: 6543,
      database: "w",
      user: "u",
      password: "secret-pass",
      ssl: { mode: "require" },
    });
    expect(parsed.ok && parsed.config.password?.reveal()).toBe("secret-pass");
  });

  test("refuses both forms at once, naming each field given besides url", () => {
    expect(issues({ url: "postgres://db/w", host: "db", password: "x" })).toEqual({
      "sink.host": "give either url or host (with the other connection fields), not both",
      "sink.password": "give either url or password (with the other connection fields), not both",
    });
  });

  test("refuses neither form, and names the fields a partial form lacks", () => {
    expect(issues({ schema: "s" })).toEqual({ "sink.url": "required: give url, or host, database and user" });
    expect(Object.keys(issues({ host: "db" }))).toEqual(["sink.database", "sink.user"]);
  });

  test.each([
    [{ url: "mysql://db/w" }, "sink.url", /postgres:\/\//],
    [{ url: "postgres://db/w?sslmode=require", ssl: { mode: "require" } }, "sink.ssl", /one place/],
    [{ host: "db", database: "w", user: "u", ssl: { mode: "require", ca: "/ca.pem" } }, "sink.ssl.ca", /verify-full/],
    [{ host: "db", database: "w", user: "u", ssl: { mode: "prefer" } }, "sink.ssl.mode", /disable|require/],
    [{ host: "db", database: "w", user: "u", schema: "bad-name" }, "sink.schema", /plain identifier/],
    [{ host: "db", database: "w", user: "u", poolSize: 0 }, "sink.poolSize", /1/],
    [{ host: "db", database: "w", user: "u", statementTimeout: 5 }, "sink", /unknown field "statementTimeout"/],
  ])("refuses %j at %s", (input, path, message) => {
    expect(issues(input)[path]).toMatch(message);
  });

  test("the creator throws a ConfigError that never shows the password", () => {
    let caught: unknown;
    try {
      createPostgresSink({ url: "postgres://loader:hunter2-secret@db/w", host: "db" });
    } catch (error) {
      caught = error;
    }
    expect(ConfigError.isInstance(caught)).toBe(true);
    expect(String(caught)).toMatch(/sink\.host/);
    expect(String(caught)).not.toContain("hunter2-secret");
  });

  test.each([
    ["postgres://loader:se#cret@db:5432/w", /contains "#", which ends a URL: percent-encode .*# as %23/],
    ["postgres://loader:se/cret@db:5432/w", /is not a valid URL: percent-encode/],
  ])(
    "a password with an unencoded special character is named as a URL problem, without the URL (%#)",
    (url, message) => {
      const problem = issues({ url })["sink.url"];
      expect(problem).toMatch(message);
      expect(problem).not.toMatch(/cret/);
    },
  );

  test("an encoded # in the password is accepted", () => {
    expect(issues({ url: "postgres://loader:se%23cret@db:5432/w" })).toEqual({});
  });
});
