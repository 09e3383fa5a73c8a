import type { ConfigIssue } from "@parley/core";
import { expect, test } from "vitest";
import { interpolateEnv } from "./interpolate-env.ts";

test("replaces ${VAR}, applies ${VAR:-default}, keeps $$ as $, and reports unset variables at their path", () => {
  const issues: ConfigIssue[] = [];
  const result = interpolateEnv(
    { sources: { a: { token: "${TOKEN}", url: "${BASE:-http://localhost}/v1", price: "$$5", list: ["${MISSING}"] } } },
    { TOKEN: "t0k3n" },
    issues,
  );
  expect(result).toEqual({ sources: { a: { token: "t0k3n", url: "http://localhost/v1", price: "$5", list: [""] } } });
  expect(issues).toEqual([
    {
      path: "sources.a.list[0]",
      message: "environment variable MISSING is not set (export it, or write ${MISSING:-default})",
    },
  ]);
});
