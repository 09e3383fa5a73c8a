import { type ColumnDefinition, type LogicalType, lineageColumns, type StreamDefinition } from "@parley/core";
import { z } from "zod";

/** Hours after the last load when `dbt source freshness` warns and errors. */
export interface FreshnessHours {
  readonly warn: number;
  readonly error: number;
}

/**
 * Per connector type. Ultimate delivers one export a day, for the day before, so a load a day (plus a
 * margin for the export to appear) is fresh; the API connectors can be polled all day.
 */
export const defaultFreshness: Readonly<Record<string, FreshnessHours>> = {
  ultimate: { warn: 36, error: 60 },
  voicegain: { warn: 12, error: 24 },
  ccai: { warn: 12, error: 24 },
};
export const fallbackFreshness: FreshnessHours = { warn: 24, error: 48 };

/** The column types each sink creates (packages/core/src/schema/logical-type.ts has the same table, documented). */
const columnTypes: Readonly<Record<string, Readonly<Record<LogicalType, string>>>> = {
  duckdb: {
    string: "VARCHAR",
    integer: "BIGINT",
    float: "DOUBLE",
    boolean: "BOOLEAN",
    timestamp: "TIMESTAMP WITH TIME ZONE",
    date: "DATE",
    json: "JSON",
  },
  postgres: {
    string: "text",
    integer: "bigint",
    float: "double precision",
    boolean: "boolean",
    timestamp: "timestamp with time zone",
    date: "date",
    json: "jsonb",
  },
  bigquery: {
    string: "STRING",
    integer: "INT64",
    float: "FLOAT64",
    boolean: "BOOL",
    timestamp: "TIMESTAMP",
    date: "DATE",
    json: "JSON",
  },
};

/** Where a sink keeps its tables, in dbt's words (database = BigQuery project). */
export interface DbtLocation {
  readonly database?: string;
  readonly schema: string;
}

const sinkLocation = z.looseObject({
  schema: z.string().optional(),
  dataset: z.string().optional(),
  projectId: z.string().optional(),
  datasetProjectId: z.string().optional(),
});

export function dbtLocation(sinkType: string, sinkConfig: unknown): DbtLocation {
  const config = sinkLocation.parse(sinkConfig);
  if (sinkType === "bigquery" && config.dataset !== undefined) {
    const project = config.datasetProjectId ?? config.projectId;
    return project === undefined ? { schema: config.dataset } : { database: project, schema: config.dataset };
  }
  if (config.schema === undefined) throw new Error(`cannot tell which schema the ${sinkType} sink writes to`);
  return { schema: config.schema };
}

const isLowerCase = (name: string) => name === name.toLowerCase();

function quoted(name: string, sinkType: string): string {
  return sinkType === "bigquery" ? `\`${name}\`` : `"${name}"`;
}

/** A uniqueness test over several key columns: dbt's `unique` over their concatenation (dbt core has no other). */
function compositeKeyExpression(key: readonly string[], sinkType: string): string {
  const text = sinkType === "bigquery" ? "STRING" : "VARCHAR";
  return key.map((column) => `CAST(${quoted(column, sinkType)} AS ${text})`).join(" || '|' || ");
}

function dbtColumn(column: ColumnDefinition, stream: StreamDefinition, sinkType: string): Record<string, unknown> {
  const key = stream.primaryKey ?? [];
  const tests = [
    ...(key.length === 1 && key[0] === column.name ? ["unique"] : []),
    ...(key.includes(column.name) || column.nullable === false ? ["not_null"] : []),
  ];
  const type = columnTypes[sinkType]?.[column.type];
  return {
    name: column.name,
    ...(column.description === undefined ? {} : { description: column.description }),
    ...(type === undefined ? {} : { data_type: type }),
    ...(isLowerCase(column.name) ? {} : { quote: true }),
    config: { meta: { parley_type: column.type } },
    ...(tests.length === 0 ? {} : { data_tests: tests }),
  };
}

/** One dbt table per stream: every column with its type and description, tests from the key and nullability. */
export function dbtTable(table: string, stream: StreamDefinition, sinkType: string): Record<string, unknown> {
  const key = stream.primaryKey ?? [];
  return {
    name: table,
    ...(stream.description === undefined ? {} : { description: stream.description }),
    config: {
      meta: { parley_stream: stream.name, parley_write_disposition: stream.writeDisposition, parley_primary_key: key },
    },
    ...(key.length > 1 ? { data_tests: [{ unique: { column_name: compositeKeyExpression(key, sinkType) } }] } : {}),
    columns: [...stream.columns, ...lineageColumns].map((column) => dbtColumn(column, stream, sinkType)),
  };
}
