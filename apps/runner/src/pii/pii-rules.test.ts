import { createHmac } from "node:crypto";
import { ConfigError, type MergeStreamDefinition, Secret } from "@parley/core";
import { describe, expect, test } from "vitest";
import { piiPolicySchema } from "./pii-config.ts";
import { compilePiiPolicy } from "./pii-rules.ts";

const stream: MergeStreamDefinition = {
  name: "conversations",
  writeDisposition: "merge",
  primaryKey: ["id"],
  columns: [
    { name: "id", type: "string", nullable: false },
    { name: "caller", type: "string" },
    { name: "agent_name", type: "string" },
    { name: "notes", type: "string" },
    { name: "duration", type: "integer" },
    { name: "data", type: "json" },
    { name: "sentences", type: "json" },
  ],
};
const key = "test-key-0123456789";
const hmac = (value: string) => createHmac("sha256", key).update(value).digest("hex");
const compile = (columns: Record<string, string>) =>
  compilePiiPolicy(piiPolicySchema.parse({ columns, hashKey: key }), [stream], "sources.s.pii");

describe("compilePiiPolicy", () => {
  test("applies each rule to its column or path and leaves the rest", () => {
    const scrubber = compile({
      caller: "hash",
      agent_name: "drop",
      notes: "redact",
      "data.email": "hash",
      "data.name": "drop",
      "sentences[].text": "redact",
    });
    const record = {
      id: "c1",
      caller: "+14155550132",
      agent_name: "Jane",
      notes: "reach me at jane@example.com",
      duration: 5,
      data: { email: "a@example.com", name: "A", bsatScore: 4 },
      sentences: [{ text: "card 4111 1111 1111 1111", speaker: 1 }, { speaker: 2 }],
    };
    expect(scrubber.scrubRecord("conversations", record)).toEqual({
      id: "c1",
      caller: hmac("+14155550132"),
      agent_name: null,
      notes: "reach me at [email]",
      duration: 5,
      data: { email: hmac("a@example.com"), bsatScore: 4 },
      sentences: [{ text: "card [card]", speaker: 1 }, { speaker: 2 }],
    });
    expect(record.caller).toBe("+14155550132");
  });

  test("raw payloads the connector could not map: rules by name (camelCase, nesting), then every text masked", () => {
    const scrubber = compile({ caller: "hash", agent_name: "drop" });
    expect(scrubber.scrubRaw({ Caller: "x1", agent: { name: "Jane", id: 7 }, note: "call +1 415 555 0132" })).toEqual({
      Caller: hmac("x1"),
      agent: { id: 7 },
      note: "call [phone]",
    });
    expect(scrubber.scrubRaw('{"caller":"x1"}')).toBe(JSON.stringify({ caller: hmac("x1") }));
    expect(scrubber.scrubRaw("17,jane@example.com,+1 415 555 0132")).toBe("17,[email],[phone]");
  });

  test("rules that do not fit the streams are refused with the config path", () => {
    const issues = (columns: Record<string, string>) => {
      try {
        compile(columns);
        return [];
      } catch (error) {
        expect(ConfigError.isInstance(error)).toBe(true);
        return (error as ConfigError).issues.map((issue) => `${issue.path}: ${issue.message}`);
      }
    };
    expect(issues({ nope: "hash", duration: "hash", "notes.x": "drop", id: "drop" })).toEqual([
      'sources.s.pii.columns.nope: no column "nope" in the streams of this source (conversations)',
      'sources.s.pii.columns.duration: hash keeps text; "duration" is integer',
      'sources.s.pii.columns.notes.x: a path needs a json column; "notes" is string',
      'sources.s.pii.columns.id: "id" cannot be NULL (it is part of the key); hash it instead',
    ]);
  });

  test("the config schema asks for a hash key when a rule hashes; the key is a Secret", () => {
    const parsed = piiPolicySchema.safeParse({ columns: { caller: "hash" } });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path).toEqual(["hashKey"]);
    const policy = piiPolicySchema.parse({ columns: { caller: "hash" }, hashKey: key });
    expect(policy.hashKey).toBeInstanceOf(Secret);
    expect(JSON.stringify(policy)).not.toContain(key);
  });

  test("a hash key short enough to guess is refused, naming the field, never the value", () => {
    const parsed = piiPolicySchema.safeParse({ columns: { caller: "hash" }, hashKey: "short-key-15chr" });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((issue) => [issue.path, issue.message])).toEqual([
      [["hashKey"], "must be at least 16 characters: a random value, e.g. the output of `openssl rand -hex 32`"],
    ]);
    expect(JSON.stringify(parsed.error?.issues)).not.toContain("short-key-15chr");
    expect(piiPolicySchema.safeParse({ columns: { caller: "hash" }, hashKey: "long-enough-16ch" }).success).toBe(true);
  });
});
