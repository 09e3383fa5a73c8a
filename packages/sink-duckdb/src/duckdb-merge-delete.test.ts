import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { batch, target } from "@parley/core/testing";
import { createWarehouseSink, type WarehouseDriver } from "@parley/core/warehouse";
import { afterEach, expect, test } from "vitest";
import { duckdbConfigSchema } from "./duckdb-config.ts";
import { createDuckdbDriver } from "./duckdb-driver.ts";

let work: string | undefined;
afterEach(async () => {
  if (work !== undefined) await rm(work, { recursive: true, force: true });
});

const calls = target(
  {
    name: "calls",
    writeDisposition: "merge",
    primaryKey: ["call_id"],
    columns: [
      { name: "call_id", type: "string" },
      { name: "text", type: "string" },
    ],
  },
  "calls",
);
// Keys that ascend as they arrive, as Voicegain's callIds do.
const rows = (from: number, count: number, text: string) =>
  Array.from({ length: count }, (_, index) => ({ call_id: String(1_000_000 + from + index), text }));

interface PlanNode {
  readonly operator_name?: string;
  readonly operator_rows_scanned?: number;
  readonly extra_info?: { readonly Table?: string };
  readonly children?: readonly PlanNode[];
}

function rowsScanned(node: PlanNode, table: string): number {
  const own = node.extra_info?.Table?.endsWith(`.${table}`) === true ? (node.operator_rows_scanned ?? 0) : 0;
  return (node.children ?? []).reduce((sum, child) => sum + rowsScanned(child, table), own);
}

/**
 * The DuckDB driver, with each merge's delete run under EXPLAIN ANALYZE (which runs it) to count the rows it read,
 * just before the rest of its transaction.
 */
function profiled(driver: WarehouseDriver, scanned: number[]): WarehouseDriver {
  return {
    ...driver,
    transaction: (work) =>
      driver.transaction((transaction) =>
        work({
          ...transaction,
          run: async (sql) => {
            if (!sql.startsWith("DELETE FROM") || !sql.includes(" AS target ")) return transaction.run(sql);
            // The driver runs a transaction's statements together at its end; this one runs now, on its own.
            const [plan] = await driver.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${sql}`);
            scanned.push(rowsScanned(JSON.parse(String(plan?.explain_value)) as PlanNode, calls.table));
          },
        }),
      ),
  };
}

test("a merge's delete reads only the row groups within the batch's key range, not the whole table's keys", async () => {
  work = await mkdtemp(join(tmpdir(), "parley-duckdb-merge-delete-"));
  const config = duckdbConfigSchema.parse({ path: join(work, "db.duckdb"), rowGroupSize: 8192 });
  const scanned: number[] = [];
  const sink = createWarehouseSink({ type: "duckdb", driver: profiled(createDuckdbDriver(config), scanned) });
  try {
    await sink.prepare([calls]);
    for (let from = 0; from < 100_000; from += 20_000)
      await sink.writeBatch(batch({ target: calls, rows: rows(from, 20_000, "first") }));
    // Half of these keys are stored already (the last 500): the merge replaces them.
    await sink.writeBatch(batch({ target: calls, rows: rows(99_500, 1_000, "second") }));
    expect(scanned).toHaveLength(6);
    // The table holds 20,000-100,000 rows when the last five deletes run: each reads at most a few row groups.
    for (const rows of scanned.slice(1)) expect(rows).toBeLessThanOrEqual(3 * 8192);
    expect(
      await sink.query(
        "SELECT text, count(*)::INTEGER AS n, count(DISTINCT call_id)::INTEGER AS keys FROM calls GROUP BY text ORDER BY text",
      ),
    ).toEqual([
      { text: "first", n: 99_500, keys: 99_500 },
      { text: "second", n: 1_000, keys: 1_000 },
    ]);
  } finally {
    await sink.close();
  }
});
