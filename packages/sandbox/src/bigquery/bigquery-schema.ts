import { invalid, unsupported } from "./bigquery-errors.ts";
import {
  fieldPath,
  type JsonObject,
  readEnum,
  readInt64,
  readResource,
  readString,
  readStringList,
} from "./bigquery-shapes.ts";

/** A column as stored: the type under BigQuery's legacy name, as tables.get reports it (INTEGER, FLOAT, BOOLEAN). */
export interface FieldSchema {
  name: string;
  type: StoredType;
  mode: "NULLABLE" | "REQUIRED" | "REPEATED";
  description?: string;
  /** RECORD only: its sub-fields. */
  fields?: FieldSchema[];
}

export type StoredType =
  | "STRING"
  | "INTEGER"
  | "FLOAT"
  | "BOOLEAN"
  | "TIMESTAMP"
  | "DATE"
  | "DATETIME"
  | "NUMERIC"
  | "BYTES"
  | "JSON"
  | "RECORD";

const canonical: Record<string, StoredType | undefined> = {
  STRING: "STRING",
  INTEGER: "INTEGER",
  INT64: "INTEGER",
  FLOAT: "FLOAT",
  FLOAT64: "FLOAT",
  BOOLEAN: "BOOLEAN",
  BOOL: "BOOLEAN",
  TIMESTAMP: "TIMESTAMP",
  DATE: "DATE",
  DATETIME: "DATETIME",
  NUMERIC: "NUMERIC",
  BYTES: "BYTES",
  JSON: "JSON",
  RECORD: "RECORD",
  STRUCT: "RECORD",
};

/** DuckDB storage of each scalar type (RECORD: see duckdbColumnType). */
export const duckdbTypes: Record<Exclude<StoredType, "RECORD">, string> = {
  STRING: "VARCHAR",
  INTEGER: "BIGINT",
  FLOAT: "DOUBLE",
  BOOLEAN: "BOOLEAN",
  TIMESTAMP: "TIMESTAMPTZ",
  DATE: "DATE",
  DATETIME: "TIMESTAMP",
  NUMERIC: "DECIMAL(38, 9)",
  BYTES: "BLOB",
  JSON: "JSON",
};

/** DuckDB storage of a field: a RECORD is a STRUCT of its sub-fields, a REPEATED field a list of its type. */
export function duckdbColumnType(field: FieldSchema): string {
  const base =
    field.type === "RECORD"
      ? `STRUCT(${(field.fields ?? []).map((sub) => `"${sub.name}" ${duckdbColumnType(sub)}`).join(", ")})`
      : duckdbTypes[field.type];
  return field.mode === "REPEATED" ? `${base}[]` : base;
}

export interface TimePartitioning {
  type: "DAY" | "HOUR" | "MONTH" | "YEAR";
  field?: string;
  expirationMs?: number;
}

const columnName = /^[A-Za-z_][A-Za-z0-9_]{0,299}$/;
const kmsKeyPattern = /^projects\/[^/]+\/locations\/([^/]+)\/keyRings\/[^/]+\/cryptoKeys\/[^/]+$/;

export function readSchema(value: unknown, path: string): FieldSchema[] {
  const schema = readResource(value, "TableSchema", path, ["fields"]);
  return readFields(schema.fields, path);
}

/** Fields of a schema or of a RECORD (nested fields, REPEATED mode: vendor-apis of BigQuery's TableFieldSchema). */
function readFields(fields: unknown, path: string): FieldSchema[] {
  if (!Array.isArray(fields) || fields.length === 0)
    throw invalid(`Schema has no fields. Table must have at least one column.`, fieldPath(path, "fields"));
  const seen = new Set<string>();
  return fields.map((raw, index) => {
    const at = `${path}.fields[${index}]`;
    const field = readResource(raw, "TableFieldSchema", at, ["name", "type", "mode", "description", "fields"]);
    const name = readString(field, "name", at, true) as string;
    if (!columnName.test(name))
      throw invalid(
        `Invalid field name "${name}". Fields must contain only letters, numbers, and underscores, start with a letter or underscore, and be at most 300 characters long.`,
        at,
      );
    if (seen.has(name.toLowerCase())) throw invalid(`Field ${name} already exists in schema`, at);
    seen.add(name.toLowerCase());
    const type = readEnum(field, "type", at, "fieldType");
    if (type === undefined) throw invalid(`Required parameter is missing: ${at}.type`, at);
    const stored = canonical[type];
    if (stored === undefined) throw unsupported(`Field type ${type}`, at);
    const mode = readEnum(field, "mode", at, "fieldMode") ?? "NULLABLE";
    const description = readString(field, "description", at);
    if (stored === "RECORD" && field.fields === undefined)
      throw invalid(`Field ${name} is type RECORD but has no schema.`, at);
    if (stored !== "RECORD" && field.fields !== undefined)
      throw invalid(`Field ${name} is type ${stored} and cannot have sub-fields.`, at);
    return {
      name,
      type: stored,
      mode,
      ...(description === undefined ? {} : { description }),
      ...(stored === "RECORD" ? { fields: readFields(field.fields, at) } : {}),
    };
  });
}

export function readTimePartitioning(value: unknown, path: string, fields: readonly FieldSchema[]): TimePartitioning {
  const object = readResource(
    value,
    "TimePartitioning",
    path,
    ["type", "field", "expirationMs"],
    ["requirePartitionFilter"],
  );
  const type = readEnum(object, "type", path, "timePartitioningType");
  if (type === undefined) throw invalid(`Required parameter is missing: ${path}.type`, path);
  const field = readString(object, "field", path);
  const expirationMs = readInt64(object, "expirationMs", path);
  if (field !== undefined) {
    const column = fields.find((candidate) => candidate.name.toLowerCase() === field.toLowerCase());
    if (column === undefined)
      throw invalid(
        `The field specified for time partitioning can only be of type TIMESTAMP, DATE or DATETIME. The type found is: missing field ${field}.`,
        path,
      );
    if (!["TIMESTAMP", "DATE", "DATETIME"].includes(column.type)) {
      throw invalid(
        `The field specified for time partitioning can only be of type TIMESTAMP, DATE or DATETIME. The type found is: ${column.type}.`,
        path,
      );
    }
  }
  return { type, ...(field === undefined ? {} : { field }), ...(expirationMs === undefined ? {} : { expirationMs }) };
}

const clusterable = new Set<StoredType>(["STRING", "INTEGER", "BOOLEAN", "TIMESTAMP", "DATE", "DATETIME", "NUMERIC"]);

export function readClustering(value: unknown, path: string, fields: readonly FieldSchema[]): string[] {
  const object = readResource(value, "Clustering", path, ["fields"]);
  const names = readStringList(object, "fields", path) ?? [];
  if (names.length === 0 || names.length > 4)
    throw invalid(`Too many or too few clustering fields: ${names.length}. Specify between 1 and 4 fields.`, path);
  for (const name of names) {
    const column = fields.find((candidate) => candidate.name.toLowerCase() === name.toLowerCase());
    if (column === undefined)
      throw invalid(`The field specified for clustering cannot be found in the schema. Invalid field: ${name}.`, path);
    if (!clusterable.has(column.type))
      throw invalid(`Field ${name} is of type ${column.type} which is not supported for clustering.`, path);
  }
  return names;
}

/** Reads an EncryptionConfiguration and checks the key lives where the dataset does (CMEK rule). */
export function readEncryption(value: unknown, path: string, datasetLocation: string): string {
  const object = readResource(value, "EncryptionConfiguration", path, ["kmsKeyName"]);
  const name = readString(object, "kmsKeyName", path, true) as string;
  const match = kmsKeyPattern.exec(name);
  if (match === null)
    throw invalid(
      `Invalid Cloud KMS key name: ${name}. Expected projects/*/locations/*/keyRings/*/cryptoKeys/*.`,
      fieldPath(path, "kmsKeyName"),
    );
  if ((match[1] as string).toLowerCase() !== datasetLocation.toLowerCase()) {
    throw invalid(
      `Cloud KMS key location ${match[1]} does not match the dataset location ${datasetLocation}.`,
      fieldPath(path, "kmsKeyName"),
    );
  }
  return name;
}

export function schemaJson(fields: readonly FieldSchema[]): JsonObject {
  return { fields: fields.map((field) => ({ ...field })) };
}
