import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "vitest";
import type { ColumnDefinition } from "../schema/logical-type.ts";
import type { WarehouseDriver } from "../warehouse/warehouse-driver.ts";

const columns: readonly ColumnDefinition[] = [
  { name: "id", type: "integer" },
  { name: "text", type: "string" },
  { name: "at", type: "timestamp" },
  { name: "payload", type: "json" },
];

const rows = [
  { id: 1, text: 'quote " back\\slash\ttab\nline', at: "2024-05-03T08:10:01.123456Z", payload: { list: [1, "a"] } },
  { id: 2, text: null, at: null, payload: null },
];

/**
 * The bulk-load entry of a warehouse driver, for both forms the rows can come in: rows in memory, and files of
 * newline-delimited JSON that the warehouse reads itself. One call per driver test file.
 */
export function testDriverStaging(
  name: string,
  open: () => Promise<{ driver: WarehouseDriver; cleanup(): Promise<void> }>,
) {
  test.each(["rows", "ndjson"] as const)(
    `${name}: staged %s land with their types in one transaction`,
    async (form) => {
      const { driver, cleanup } = await open();
      const directory = await mkdtemp(join(tmpdir(), "parley-driver-staging-"));
      try {
        await driver.ensureNamespace();
        await driver.createTable("staged_target", columns, {});
        const path = join(directory, "part-1.ndjson");
        await writeFile(path, `${rows.map((row) => JSON.stringify(row)).join("\n")}\n`);
        await driver.transaction(async (transaction) => {
          const relation = await transaction.stage(
            columns,
            form === "rows" ? { kind: "rows", rows } : { kind: "ndjson", paths: [path] },
            "staged_target",
          );
          const names = columns.map((column) => driver.quoteIdentifier(column.name)).join(", ");
          await transaction.run(
            `INSERT INTO ${driver.table("staged_target")} (${names}) SELECT ${names} FROM ${relation}`,
          );
        });
        const stored = await driver.query(
          `SELECT ${columns.map((column) => driver.quoteIdentifier(column.name)).join(", ")} FROM ${driver.table("staged_target")} ORDER BY ${driver.quoteIdentifier("id")}`,
        );
        expect(stored).toEqual(rows);
      } finally {
        await driver.dropTable("staged_target").catch(() => undefined);
        await driver.close();
        await cleanup();
        await rm(directory, { recursive: true, force: true });
      }
    },
  );
}
