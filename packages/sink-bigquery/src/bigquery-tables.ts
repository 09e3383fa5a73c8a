import type { TableMetadata } from "@google-cloud/bigquery";
import {
  type ColumnDefinition,
  internalTables,
  isValidIdentifier,
  lineageColumns,
  SchemaError,
  type TableTarget,
} from "@parley/core";
import type { BigqueryConfig } from "./bigquery-config.ts";
import type { BigquerySession } from "./bigquery-session.ts";
import { bigqueryColumnTypes, clusterableTypes, sameBigqueryType } from "./bigquery-types.ts";

/** How a table is laid out: partitioned by the day of a column, clustered by up to four. */
export interface TableLayout {
  readonly partitionColumn?: string;
  readonly clusterColumns?: readonly string[];
}

/**
 * Columns are NULLABLE even where the stream says otherwise: the runner's validator already enforces required
 * values, and a REQUIRED column could never be relaxed by a later stream version without a schema patch per table.
 */
export function fieldSchema(
  columns: readonly ColumnDefinition[],
): { name: string; type: string; mode: "NULLABLE"; description?: string }[] {
  return columns.map((column) => ({
    name: column.name,
    type: bigqueryColumnTypes[column.type],
    mode: "NULLABLE",
    ...(column.description === undefined ? {} : { description: column.description }),
  }));
}

export function layoutFor(target: TableTarget): TableLayout {
  const byName = new Map(target.stream.columns.map((column) => [column.name, column]));
  const clusterColumns = (target.stream.primaryKey ?? [])
    .filter((name) => clusterableTypes.has(byName.get(name)?.type ?? "json"))
    .slice(0, 4);
  return {
    ...(target.stream.eventTimeColumn === undefined ? {} : { partitionColumn: target.stream.eventTimeColumn }),
    ...(clusterColumns.length === 0 ? {} : { clusterColumns }),
  };
}

export function tableBody(
  config: BigqueryConfig,
  columns: readonly ColumnDefinition[],
  layout: TableLayout,
): Record<string, unknown> {
  return {
    schema: { fields: fieldSchema(columns) },
    ...(layout.partitionColumn === undefined
      ? {}
      : { timePartitioning: { type: "DAY", field: layout.partitionColumn } }),
    ...(layout.clusterColumns === undefined ? {} : { clustering: { fields: layout.clusterColumns } }),
    ...(config.kmsKeyName === undefined ? {} : { encryptionConfiguration: { kmsKeyName: config.kmsKeyName } }),
  };
}

function checkNames(target: TableTarget): void {
  for (const name of [target.table, ...target.stream.columns.map((column) => column.name)]) {
    if (!isValidIdentifier(name)) {
      throw new SchemaError(
        `"${name}" in table ${target.table} is not a valid identifier (letters, digits and underscores, at most 63)`,
        { table: target.table },
      );
    }
  }
}

/**
 * Creates the table, or evolves it: new columns are added through tables.patch (old rows read NULL), and a changed
 * type is refused, because BigQuery cannot change a column's type in place and casting would rewrite history.
 */
export async function ensureTable(
  session: BigquerySession,
  config: BigqueryConfig,
  table: string,
  columns: readonly ColumnDefinition[],
  layout: TableLayout,
): Promise<void> {
  const existing: TableMetadata | undefined = await session.tableMetadata(table);
  if (existing === undefined) {
    await session.createTable(table, tableBody(config, columns, layout));
    return;
  }
  const fields = existing.schema?.fields ?? [];
  const added: ColumnDefinition[] = [];
  for (const column of columns) {
    const stored = fields.find((field) => field.name?.toLowerCase() === column.name.toLowerCase());
    if (stored === undefined) added.push(column);
    else if (!sameBigqueryType(String(stored.type), column.type)) {
      throw new SchemaError(
        `Column ${column.name} of table ${config.dataset}.${table} is ${stored.type} but the stream now declares ${column.type} (${bigqueryColumnTypes[column.type]}). ` +
          "Parley does not cast existing data: migrate the column yourself, or drop the table and run with --full-refresh.",
        { table, column: column.name },
      );
    }
  }
  if (added.length > 0) await session.patchTable(table, { schema: { fields: [...fields, ...fieldSchema(added)] } });
}

export async function ensureInternalTables(session: BigquerySession, config: BigqueryConfig): Promise<void> {
  const layouts: Record<string, TableLayout> = {
    [internalTables.state.name]: { clusterColumns: ["source", "stream"] },
    [internalTables.loads.name]: { clusterColumns: ["source"] },
    [internalTables.rejects.name]: { partitionColumn: "rejected_at", clusterColumns: ["source", "stream"] },
  };
  for (const table of Object.values(internalTables))
    await ensureTable(session, config, table.name, table.columns, layouts[table.name] ?? {});
}

export async function ensureDataTable(
  session: BigquerySession,
  config: BigqueryConfig,
  target: TableTarget,
): Promise<void> {
  checkNames(target);
  await ensureTable(session, config, target.table, [...target.stream.columns, ...lineageColumns], layoutFor(target));
}
