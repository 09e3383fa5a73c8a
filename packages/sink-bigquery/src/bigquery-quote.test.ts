import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type BigqueryTestHarness, startBigqueryHarness } from "./__fixtures__/bigquery-test-harness.ts";
import { bigqueryConfigSchema } from "./bigquery-config.ts";
import { createBigqueryDriver } from "./bigquery-driver.ts";
import { quoteString } from "./bigquery-types.ts";

const hostile: readonly (readonly [string, string, string])[] = [
  ["plain text", "plain", "'plain'"],
  ["empty", "", "''"],
  ["single quote", "it's", "'it\\'s'"],
  ["double quote and backtick", 'say "hi" `x`', "'say \"hi\" `x`'"],
  ["backslash", "C:\\path\\n", "'C:\\\\path\\\\n'"],
  ["trailing backslash", "end\\", "'end\\\\'"],
  ["backslash then quote", "\\'", "'\\\\\\''"],
  ["three quotes", "'''", "'\\'\\'\\''"],
  ["newline, return, tab", "a\nb\r\nc\td", "'a\\nb\\r\\nc\\td'"],
  ["NUL", "a\u0000b", "'a\\x00b'"],
  ["other control characters", "\u0007\b\f\v\u001b\u007f", "'\\x07\\x08\\x0c\\x0b\\x1b\\x7f'"],
  ["unicode", "日本 ✓ é (e\u0301) \u{1F600} \u2028", "'日本 ✓ é (e\u0301) \u{1F600} \u2028'"],
  ["SQL in the text", "'; DROP TABLE x; --", "'\\'; DROP TABLE x; --'"],
];

describe("quoteString", () => {
  test.each(hostile)("%s", (_, value, literal) => {
    expect(quoteString(value)).toBe(literal);
  });
});

describe("quoteString on the BigQuery emulator", () => {
  let harness: BigqueryTestHarness;
  beforeAll(async () => {
    harness = await startBigqueryHarness();
  });
  afterAll(() => harness.close());

  test("every literal reads back as the text it quotes", async () => {
    const { authClient, ...settings } = harness.settings();
    const driver = createBigqueryDriver(bigqueryConfigSchema.parse(settings), authClient);
    await driver.ensureNamespace();
    const select = hostile
      .map(([, value], index) => `SELECT ${index} AS position, ${quoteString(value)} AS text`)
      .join(" UNION ALL ");
    const rows = await driver.query(`SELECT position, text FROM (${select}) ORDER BY position`);
    expect(rows.map((row) => row.text)).toEqual(hostile.map(([, value]) => value));
    await driver.close();
  });
});
