import { parseConfig } from "@parley/core";
import { expect, test } from "vitest";
import { ultimateConfigSchema } from "./ultimate-config.ts";

const organizationId = "77m57af6811115b53172431s";
const [bot1, bot2] = ["98174e8d635471c383b9ec7b", "64628b8e55e4f2459bcb2e68"];
const base = { organizationId, botIds: bot1, token: "secret-token-1", startDate: "2024-06-01" };
const paths = (settings: unknown) => {
  const parsed = parseConfig(ultimateConfigSchema, settings);
  return parsed.ok ? [] : parsed.issues.map((issue) => issue.path);
};

test("defaults: EU host, raw key, v3, lookback 2 days, 60-minute links; one bot id becomes a list", () => {
  const parsed = parseConfig(ultimateConfigSchema, base);
  expect(parsed.ok && parsed.config).toMatchObject({
    mode: "api",
    baseUrl: "https://api.ultimate.ai",
    authScheme: "raw",
    apiVersion: "v3",
    lookbackDays: 2,
    ttlMinutes: 60,
    botIds: [bot1],
    endDate: undefined,
  });
  const us = parseConfig(ultimateConfigSchema, { ...base, region: "us", botIds: [bot1, bot2] });
  expect(us.ok && us.config).toMatchObject({ baseUrl: "https://api.us.ultimate.ai", botIds: [bot1, bot2] });
  expect(JSON.stringify(parsed.ok && parsed.config)).not.toContain("secret-token-1");
});

test("cross-field rules name their field", () => {
  expect(paths({ ...base, region: "us", baseUrl: "http://127.0.0.1:1" })).toEqual(["baseUrl"]);
  expect(paths({ ...base, startDate: "2023-12-31" })).toEqual(["startDate"]);
  // The 2024-01-01 floor is v3's; v2's 30-day window depends on the run's clock and is checked when reading.
  expect(paths({ ...base, startDate: "2023-12-31", apiVersion: "v2" })).toEqual([]);
  expect(paths({ ...base, endDate: "2024-05-31" })).toEqual(["endDate"]);
  expect(paths({ ...base, botIds: [bot1, bot1] })).toEqual(["botIds"]);
  expect(paths({ files: "x.json", organizationId, lookbackDays: 1 })).toEqual(["organizationId", "lookbackDays"]);
  expect(paths({})).toEqual(["organizationId", "botIds", "token", "startDate"]);
  expect(paths({ ...base, ttlMinutes: 0, unknownField: 1 })).toEqual(["ttlMinutes", ""]);
});

test("local-files mode needs only files", () => {
  const parsed = parseConfig(ultimateConfigSchema, { files: ["a/*.json", "b.json"] });
  expect(parsed.ok && parsed.config).toEqual({ mode: "files", files: ["a/*.json", "b.json"] });
});

test("bot ids and the organization id have the dashboard's form", () => {
  const issues = (settings: unknown) => {
    const parsed = parseConfig(ultimateConfigSchema, settings);
    return parsed.ok ? [] : parsed.issues.map((issue) => `${issue.path}: ${issue.message}`);
  };
  expect(issues({ ...base, botIds: [bot1, "abc"] })).toEqual([
    "botIds[1]: must be a hex bot id (24 hex digits, from the dashboard)",
  ]);
  expect(issues({ ...base, botIds: "abc" })).toEqual([
    "botIds: must be a hex bot id (24 hex digits, from the dashboard)",
  ]);
  expect(issues({ ...base, organizationId: "x" })).toEqual([
    "organizationId: must be the 24-character organization id from the dashboard URL .../admin/organizations/<id>",
  ]);
});
