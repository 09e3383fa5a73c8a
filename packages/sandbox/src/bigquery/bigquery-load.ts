import { randomUUID } from "node:crypto";
import { rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  BigqueryApiError,
  type BigqueryErrorProto,
  duplicate,
  invalid,
  notFound,
  unsupported,
} from "./bigquery-errors.ts";
import {
  type FieldSchema,
  readClustering,
  readEncryption,
  readSchema,
  readTimePartitioning,
  type TimePartitioning,
} from "./bigquery-schema.ts";
import { fieldPath, readBoolean, readEnum, readInt64, readResource, readString } from "./bigquery-shapes.ts";
import { type BigqueryStore, quoteName, type TableEntry, tableKey } from "./bigquery-store.ts";
import { castExpression, convertValue } from "./bigquery-values.ts";

export interface TableReference {
  projectId: string;
  datasetId: string;
  tableId: string;
}

export interface LoadConfiguration {
  destination: TableReference;
  raw: Record<string, unknown>;
  writeDisposition: "WRITE_TRUNCATE" | "WRITE_TRUNCATE_DATA" | "WRITE_APPEND" | "WRITE_EMPTY";
  createDisposition: "CREATE_IF_NEEDED" | "CREATE_NEVER";
  schemaUpdateOptions: readonly string[];
  ignoreUnknownValues: boolean;
  maxBadRecords: number;
}

export function readTableReference(value: unknown, path: string): TableReference {
  const object = readResource(value, "TableReference", path, ["projectId", "datasetId", "tableId"]);
  return {
    projectId: readString(object, "projectId", path, true) as string,
    datasetId: readString(object, "datasetId", path, true) as string,
    tableId: readString(object, "tableId", path, true) as string,
  };
}

const supportedLoadFields = [
  "destinationTable",
  "schema",
  "sourceFormat",
  "writeDisposition",
  "createDisposition",
  "schemaUpdateOptions",
  "timePartitioning",
  "clustering",
  "destinationEncryptionConfiguration",
  "ignoreUnknownValues",
  "maxBadRecords",
  "autodetect",
  "encoding",
];

/** Checks a `configuration.load` of an upload; shape errors are answered at insert time with HTTP 400. */
export function readLoadConfiguration(value: unknown, path: string): LoadConfiguration {
  const load = readResource(value, "JobConfigurationLoad", path, supportedLoadFields);
  if (load.destinationTable === undefined)
    throw invalid(`Required parameter is missing: ${path}.destinationTable`, fieldPath(path, "destinationTable"));
  const sourceFormat = readEnum(load, "sourceFormat", path, "sourceFormat") ?? "CSV";
  if (sourceFormat !== "NEWLINE_DELIMITED_JSON")
    throw unsupported(
      `sourceFormat ${sourceFormat}${load.sourceFormat === undefined ? " (the default when absent)" : ""}`,
      fieldPath(path, "sourceFormat"),
    );
  if (readBoolean(load, "autodetect", path) === true)
    throw unsupported("Schema autodetection", fieldPath(path, "autodetect"));
  const encoding = readString(load, "encoding", path);
  if (encoding !== undefined && encoding !== "UTF-8")
    throw unsupported(`encoding ${encoding}`, fieldPath(path, "encoding"));
  const writeDisposition = readEnum(load, "writeDisposition", path, "writeDisposition") ?? "WRITE_APPEND";
  const schemaUpdateOptions = (
    load.schemaUpdateOptions === undefined ? [] : (load.schemaUpdateOptions as unknown[])
  ).map((option, index) => {
    const read = readEnum({ option }, "option", `${path}.schemaUpdateOptions[${index}]`, "schemaUpdateOptions");
    return read as string;
  });
  if (
    schemaUpdateOptions.length > 0 &&
    writeDisposition !== "WRITE_APPEND" &&
    writeDisposition !== "WRITE_TRUNCATE_DATA"
  ) {
    throw invalid(
      "Schema update options should only be specified with WRITE_APPEND disposition, or with WRITE_TRUNCATE disposition on a table partition.",
      fieldPath(path, "schemaUpdateOptions"),
    );
  }
  if (load.schema !== undefined) readSchema(load.schema, fieldPath(path, "schema"));
  return {
    destination: readTableReference(load.destinationTable, fieldPath(path, "destinationTable")),
    raw: load,
    writeDisposition,
    createDisposition: readEnum(load, "createDisposition", path, "createDisposition") ?? "CREATE_IF_NEEDED",
    schemaUpdateOptions,
    ignoreUnknownValues: readBoolean(load, "ignoreUnknownValues", path) ?? false,
    maxBadRecords: readInt64(load, "maxBadRecords", path) ?? 0,
  };
}

function describePartitioning(
  partitioning: TimePartitioning | undefined,
  clustering: readonly string[] | undefined,
): string {
  const interval =
    partitioning === undefined
      ? "none"
      : `interval(type:${partitioning.type.toLowerCase()}${partitioning.field === undefined ? "" : `,field:${partitioning.field}`})`;
  return `${interval}${clustering === undefined ? "" : ` clustering(${clustering.join(",")})`}`;
}

/** Compares a load's schema with an existing table's; returns the fields to add (when ALLOW_FIELD_ADDITION allows it). */
function evolve(table: TableEntry, schema: readonly FieldSchema[], options: readonly string[]): FieldSchema[] {
  const name = tableKey(table.projectId, table.datasetId, table.tableId);
  const added: FieldSchema[] = [];
  for (const field of schema) {
    const existing = table.schema.find((candidate) => candidate.name.toLowerCase() === field.name.toLowerCase());
    if (existing === undefined) {
      if (!options.includes("ALLOW_FIELD_ADDITION"))
        throw invalid(`Provided Schema does not match Table ${name}. Cannot add fields (field: ${field.name})`);
      if (field.mode === "REQUIRED")
        throw invalid(
          `Provided Schema does not match Table ${name}. Cannot add required fields to an existing schema. (field: ${field.name})`,
        );
      added.push(field);
    } else if (existing.type !== field.type) {
      throw invalid(
        `Provided Schema does not match Table ${name}. Field ${field.name} has changed type from ${existing.type} to ${field.type}`,
      );
    } else if (
      existing.mode !== field.mode &&
      !(existing.mode === "REQUIRED" && options.includes("ALLOW_FIELD_RELAXATION"))
    ) {
      throw invalid(
        `Provided Schema does not match Table ${name}. Field ${field.name} has changed mode from ${existing.mode} to ${field.mode}`,
      );
    }
  }
  return added;
}

interface ParsedRows {
  rows: (string | null)[][];
  errors: BigqueryErrorProto[];
  bad: number;
}

function parseRows(data: string, fields: readonly FieldSchema[], config: LoadConfiguration): ParsedRows {
  const result: ParsedRows = { rows: [], errors: [], bad: 0 };
  const byName = new Map(fields.map((field, index) => [field.name.toLowerCase(), index]));
  let position = 0;
  for (const line of data.split("\n")) {
    const start = position;
    position += Buffer.byteLength(line) + 1;
    if (line.trim() === "") continue;
    const problem = (reason: string) => {
      result.bad += 1;
      result.errors.push({
        reason: "invalid",
        message: `Error while reading data, error message: JSON parsing error in row starting at position ${start}: ${reason}`,
        location: `row starting at position ${start}`,
      });
    };
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch {
      problem("Parser terminated before end of string");
      continue;
    }
    if (typeof record !== "object" || record === null || Array.isArray(record)) {
      problem("Expected a JSON object");
      continue;
    }
    const row: (string | null)[] = fields.map(() => null);
    let failure: string | undefined;
    for (const [key, value] of Object.entries(record)) {
      const index = byName.get(key.toLowerCase());
      if (index === undefined) {
        if (!config.ignoreUnknownValues) failure ??= `No such field: ${key}.`;
        continue;
      }
      const converted = convertValue(fields[index] as FieldSchema, value);
      if (converted.ok) row[index] = converted.text;
      else failure ??= converted.reason;
    }
    fields.forEach((field, index) => {
      if (field.mode === "REQUIRED" && row[index] === null) failure ??= `Missing required field: ${field.name}.`;
    });
    if (failure === undefined) result.rows.push(row);
    else problem(failure);
  }
  return result;
}

/** Runs a load job's data into its table atomically; failures are thrown as the job's error result. */
export async function runLoad(
  store: BigqueryStore,
  config: LoadConfiguration,
  data: string,
): Promise<{ outputRows: number; badRecords: number }> {
  const { projectId, datasetId, tableId } = config.destination;
  const dataset = store.dataset(projectId, datasetId);
  const existing = await store.findTable(projectId, datasetId, tableId);
  const path = "configuration.load";
  const loadSchema = config.raw.schema === undefined ? undefined : readSchema(config.raw.schema, `${path}.schema`);
  if (existing === undefined && config.createDisposition === "CREATE_NEVER")
    throw notFound(`Table ${tableKey(projectId, datasetId, tableId)}`);
  if (existing === undefined && loadSchema === undefined) throw invalid("No schema specified on job or table.");
  const fieldsForChecks = loadSchema ?? existing?.schema ?? [];
  const partitioning =
    config.raw.timePartitioning === undefined
      ? undefined
      : readTimePartitioning(config.raw.timePartitioning, `${path}.timePartitioning`, fieldsForChecks);
  const clustering =
    config.raw.clustering === undefined
      ? undefined
      : readClustering(config.raw.clustering, `${path}.clustering`, fieldsForChecks);
  const kmsKeyName =
    config.raw.destinationEncryptionConfiguration === undefined
      ? undefined
      : readEncryption(
          config.raw.destinationEncryptionConfiguration,
          `${path}.destinationEncryptionConfiguration`,
          dataset.location,
        );
  if (existing !== undefined) {
    if (existing.type === "VIEW") throw invalid(`Cannot load into a view: ${tableKey(projectId, datasetId, tableId)}`);
    const partitioningDiffers =
      partitioning !== undefined &&
      describePartitioning(partitioning, undefined) !== describePartitioning(existing.timePartitioning, undefined);
    const clusteringDiffers =
      clustering !== undefined && clustering.join(",") !== (existing.clustering ?? []).join(",");
    if (partitioningDiffers || clusteringDiffers) {
      throw invalid(
        `Incompatible table partitioning specification. Expects partitioning specification ${describePartitioning(existing.timePartitioning, existing.clustering)}, but input partitioning specification is ${describePartitioning(partitioning ?? existing.timePartitioning, clustering ?? existing.clustering)}`,
      );
    }
    if (kmsKeyName !== undefined && existing.kmsKeyName !== kmsKeyName) {
      throw invalid(
        `The destination table's encryption key ${existing.kmsKeyName ?? "(Google-managed)"} does not match the job's destinationEncryptionConfiguration ${kmsKeyName}.`,
      );
    }
    if (config.writeDisposition === "WRITE_EMPTY" && (await store.rowCount(existing)) > 0)
      throw duplicate(`Table ${tableKey(projectId, datasetId, tableId)}`);
  }
  const truncateSchema =
    existing !== undefined && config.writeDisposition === "WRITE_TRUNCATE" && loadSchema !== undefined;
  const added =
    existing === undefined || loadSchema === undefined || truncateSchema
      ? []
      : evolve(existing, loadSchema, config.schemaUpdateOptions);
  const fields =
    existing === undefined || truncateSchema ? (loadSchema as FieldSchema[]) : [...existing.schema, ...added];
  const parsed = parseRows(data, fields, config);
  if (parsed.bad > config.maxBadRecords) {
    const summary = `Error while reading data, error message: JSON table encountered too many errors, giving up. Rows: ${parsed.rows.length + parsed.bad}; errors: ${parsed.bad}. Please look into the errors[] collection for more details.`;
    throw Object.assign(invalid(summary), { details: parsed.errors.slice(0, 5) });
  }
  const file = join(tmpdir(), `bigquery-emulator-${randomUUID()}.ndjson`);
  await writeFile(
    file,
    parsed.rows
      .map((row) => JSON.stringify(Object.fromEntries(row.map((value, index) => [`c${index}`, value]))))
      .join("\n"),
  );
  const schemaBefore = existing?.schema.slice();
  try {
    await store.exclusive(async (connection) => {
      await connection.run("BEGIN TRANSACTION");
      try {
        const now = Date.now();
        const entry: TableEntry = existing ?? {
          projectId,
          datasetId,
          tableId,
          type: "TABLE",
          schema: fields,
          creationTime: now,
          lastModifiedTime: now,
          ...(partitioning === undefined ? {} : { timePartitioning: partitioning }),
          ...(clustering === undefined ? {} : { clustering }),
          ...((kmsKeyName ?? dataset.defaultKmsKeyName) === undefined
            ? {}
            : { kmsKeyName: (kmsKeyName ?? dataset.defaultKmsKeyName) as string }),
        };
        const target = quoteName(projectId, datasetId, tableId);
        if (existing === undefined) await store.createTableWith(connection, entry);
        else if (truncateSchema) {
          await connection.run(`DROP TABLE ${target}`);
          store.tables.delete(tableKey(projectId, datasetId, tableId));
          await store.createTableWith(connection, { ...entry, schema: fields, lastModifiedTime: now });
        } else {
          if (config.writeDisposition === "WRITE_TRUNCATE" || config.writeDisposition === "WRITE_TRUNCATE_DATA")
            await connection.run(`DELETE FROM ${target}`);
          await store.addColumns(connection, entry, added);
        }
        if (parsed.rows.length > 0) {
          const columns = fields.map((_, index) => `'c${index}': 'VARCHAR'`).join(", ");
          const casts = fields.map((field, index) => castExpression(field, `c${index}`)).join(", ");
          await connection.run(
            `INSERT INTO ${target} (${fields.map((field) => quoteName(field.name)).join(", ")}) SELECT ${casts} FROM read_json('${file.replaceAll("'", "''")}', format = 'newline_delimited', columns = {${columns}}, maximum_object_size = 268435456)`,
          );
        }
        await connection.run("COMMIT");
      } catch (error) {
        await connection.run("ROLLBACK").catch(() => undefined);
        // DuckDB rolled the rows and DDL back; put the metadata back the way it was too.
        if (existing === undefined) store.tables.delete(tableKey(projectId, datasetId, tableId));
        else
          store.tables.set(
            tableKey(projectId, datasetId, tableId),
            Object.assign(existing, { schema: schemaBefore as FieldSchema[] }),
          );
        throw error instanceof BigqueryApiError
          ? error
          : invalid(`Error while loading data: ${error instanceof Error ? error.message : String(error)}`);
      }
    });
  } finally {
    await rm(file, { force: true });
  }
  return { outputRows: parsed.rows.length, badRecords: parsed.bad };
}
