import { SchemaError } from "../errors/schema-error.ts";
import type { ColumnDefinition } from "../schema/logical-type.ts";
import type { TableHints, TableShape, WarehouseDriver } from "./warehouse-driver.ts";

/**
 * What evolving `table` to `columns` takes: the columns to add. A column whose stored type does not hold its
 * logical type is a `SchemaError`, because casting would silently rewrite stored history with another meaning.
 */
export function planColumns(
  driver: Pick<WarehouseDriver, "columnType" | "holdsType" | "namespace">,
  table: string,
  existing: TableShape,
  columns: readonly ColumnDefinition[],
): readonly ColumnDefinition[] {
  const stored = new Map(existing.columns.map((column) => [column.name.toLowerCase(), column.type]));
  const added: ColumnDefinition[] = [];
  for (const column of columns) {
    const type = stored.get(column.name.toLowerCase());
    if (type === undefined) added.push(column);
    else if (!driver.holdsType(type, column.type)) {
      throw new SchemaError(
        `Column ${column.name} of table ${driver.namespace}.${table} is ${type} but the stream now declares ${column.type} (${driver.columnType(column.type)}). ` +
          "Parley does not cast existing data: migrate the column yourself, or drop the table and run with --full-refresh.",
        { table, column: column.name },
      );
    }
  }
  return added;
}

/** Creates the table, or evolves it by adding the columns it lacks. */
export async function ensureTable(
  driver: WarehouseDriver,
  table: string,
  columns: readonly ColumnDefinition[],
  hints: TableHints = {},
): Promise<void> {
  const existing = await driver.describeTable(table);
  if (existing === undefined) {
    await driver.createTable(table, columns, hints);
    return;
  }
  const added = planColumns(driver, table, existing, columns);
  if (added.length > 0) await driver.addColumns(table, added);
}
