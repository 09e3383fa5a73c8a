import { expect, test } from "vitest";
import { jsonText } from "./warehouse-ledger.ts";

test("integers beyond 2^53 keep their exact digits", () => {
  const text = jsonText({ cursor: 9_007_199_254_740_993n, list: [1n, "x"] });
  expect(text).toBe('{"cursor":9007199254740993,"list":[1,"x"]}');
});

test("a NUL becomes U+FFFD; an escaped backslash before u0000 is text and stays", () => {
  expect(JSON.parse(jsonText({ note: "a\u0000b" }))).toEqual({ note: "a\ufffdb" });
  expect(jsonText({ note: "a\u0000b" })).not.toContain("\\u0000");
  expect(JSON.parse(jsonText({ note: "\\u0000" }))).toEqual({ note: "\\u0000" });
  expect(JSON.parse(jsonText({ note: "\\\u0000" }))).toEqual({ note: "\\\ufffd" });
});
