import type { ColumnDefinition } from "@parley/core";
import type { TableHints } from "@parley/core/warehouse";
import type { BigqueryConfig } from "./bigquery-config.ts";
import { bigqueryColumnTypes, clusterableTypes } from "./bigquery-types.ts";

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

/** Partitioned by the day of the event-time column, clustered by up to four key columns BigQuery can cluster by. */
export function layoutFor(columns: readonly ColumnDefinition[], hints: TableHints): TableLayout {
  const byName = new Map(columns.map((column) => [column.name, column]));
  const clusterColumns = (hints.primaryKey ?? [])
    .filter((name) => clusterableTypes.has(byName.get(name)?.type ?? "json"))
    .slice(0, 4);
  const partition = hints.eventTimeColumn === undefined ? undefined : byName.get(hints.eventTimeColumn);
  return {
    ...(partition === undefined || !["timestamp", "date"].includes(partition.type)
      ? {}
      : { partitionColumn: partition.name }),
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
