import { invalid, unsupported } from "./bigquery-errors.ts";
import { readClustering, readEncryption, readSchema, readTimePartitioning, schemaJson } from "./bigquery-schema.ts";
import { type JsonObject, readInt64, readResource, readString } from "./bigquery-shapes.ts";
import { type BigqueryStore, type DatasetEntry, type TableEntry, tableKey } from "./bigquery-store.ts";

const datasetIdPattern = /^[A-Za-z0-9_]{1,1024}$/;
const tableIdPattern = /^[\p{L}\p{M}\p{N}\p{Pc}\p{Pd}\p{Zs}]{1,1024}$/u;
const locationPattern = /^(US|EU|[a-z]+-[a-z]+\d+)$/i;
const tableOutputOnly = [
  "kind",
  "id",
  "etag",
  "selfLink",
  "creationTime",
  "lastModifiedTime",
  "numRows",
  "numBytes",
  "type",
  "location",
  "numLongTermBytes",
  "numPhysicalBytes",
  "numPartitions",
  "requirePartitionFilter",
];
const tableSupported = [
  "tableReference",
  "schema",
  "timePartitioning",
  "clustering",
  "encryptionConfiguration",
  "description",
  "expirationTime",
  "labels",
  "friendlyName",
];

export async function insertDataset(store: BigqueryStore, projectId: string, body: unknown): Promise<DatasetEntry> {
  const dataset = readResource(
    body,
    "Dataset",
    "dataset",
    ["datasetReference", "location", "description", "labels", "defaultEncryptionConfiguration", "friendlyName"],
    ["kind", "id", "etag", "selfLink", "creationTime", "lastModifiedTime", "type"],
  );
  if (dataset.datasetReference === undefined)
    throw invalid("Required parameter is missing: dataset.datasetReference", "dataset.datasetReference");
  const reference = readResource(dataset.datasetReference, "DatasetReference", "dataset.datasetReference", [
    "datasetId",
    "projectId",
  ]);
  const datasetId = readString(reference, "datasetId", "dataset.datasetReference", true) as string;
  if (!datasetIdPattern.test(datasetId))
    throw invalid(
      `Invalid dataset ID "${datasetId}". Dataset IDs must be alphanumeric (plus underscores) and must be at most 1024 characters long.`,
      "dataset.datasetReference.datasetId",
    );
  const referenceProject = readString(reference, "projectId", "dataset.datasetReference") ?? projectId;
  if (referenceProject !== projectId)
    throw invalid(
      `Project ${referenceProject} in the dataset reference does not match the request's project ${projectId}.`,
    );
  const location = readString(dataset, "location", "dataset") ?? "US";
  if (!locationPattern.test(location)) throw invalid(`Invalid dataset location: ${location}`, "dataset.location");
  const defaultKmsKeyName =
    dataset.defaultEncryptionConfiguration === undefined
      ? undefined
      : readEncryption(dataset.defaultEncryptionConfiguration, "dataset.defaultEncryptionConfiguration", location);
  const description = readString(dataset, "description", "dataset");
  const entry: DatasetEntry = {
    projectId,
    datasetId,
    location,
    creationTime: Date.now(),
    ...(defaultKmsKeyName === undefined ? {} : { defaultKmsKeyName }),
    ...(description === undefined ? {} : { description }),
    ...(dataset.labels === undefined ? {} : { labels: dataset.labels as Record<string, string> }),
  };
  await store.createDataset(entry);
  return entry;
}

export function datasetResource(entry: DatasetEntry, baseUrl: string): JsonObject {
  return {
    kind: "bigquery#dataset",
    id: `${entry.projectId}:${entry.datasetId}`,
    etag: Buffer.from(`${entry.projectId}:${entry.datasetId}:${entry.creationTime}`).toString("base64"),
    selfLink: `${baseUrl}/bigquery/v2/projects/${entry.projectId}/datasets/${entry.datasetId}`,
    datasetReference: { projectId: entry.projectId, datasetId: entry.datasetId },
    location: entry.location,
    creationTime: String(entry.creationTime),
    lastModifiedTime: String(entry.creationTime),
    type: "DEFAULT",
    ...(entry.description === undefined ? {} : { description: entry.description }),
    ...(entry.labels === undefined ? {} : { labels: entry.labels }),
    ...(entry.defaultKmsKeyName === undefined
      ? {}
      : { defaultEncryptionConfiguration: { kmsKeyName: entry.defaultKmsKeyName } }),
  };
}

export async function insertTable(
  store: BigqueryStore,
  projectId: string,
  datasetId: string,
  body: unknown,
): Promise<TableEntry> {
  const dataset = store.dataset(projectId, datasetId);
  const table = readResource(body, "Table", "table", tableSupported, tableOutputOnly);
  if (table.tableReference === undefined)
    throw invalid("Required parameter is missing: table.tableReference", "table.tableReference");
  const reference = readResource(table.tableReference, "TableReference", "table.tableReference", [
    "projectId",
    "datasetId",
    "tableId",
  ]);
  const tableId = readString(reference, "tableId", "table.tableReference", true) as string;
  if (!tableIdPattern.test(tableId)) throw invalid(`Invalid table ID "${tableId}".`, "table.tableReference.tableId");
  if (
    (readString(reference, "datasetId", "table.tableReference") ?? datasetId) !== datasetId ||
    (readString(reference, "projectId", "table.tableReference") ?? projectId) !== projectId
  ) {
    throw invalid("The table reference does not match the dataset in the request path.", "table.tableReference");
  }
  if (table.schema === undefined) throw unsupported("Creating a table without a schema", "table.schema");
  const schema = readSchema(table.schema, "table.schema");
  const timePartitioning =
    table.timePartitioning === undefined
      ? undefined
      : readTimePartitioning(table.timePartitioning, "table.timePartitioning", schema);
  const clustering =
    table.clustering === undefined ? undefined : readClustering(table.clustering, "table.clustering", schema);
  const kmsKeyName =
    table.encryptionConfiguration === undefined
      ? dataset.defaultKmsKeyName
      : readEncryption(table.encryptionConfiguration, "table.encryptionConfiguration", dataset.location);
  const expirationTime = readInt64(table, "expirationTime", "table");
  const description = readString(table, "description", "table");
  const now = Date.now();
  const entry: TableEntry = {
    projectId,
    datasetId,
    tableId,
    type: "TABLE",
    schema,
    creationTime: now,
    lastModifiedTime: now,
    ...(timePartitioning === undefined ? {} : { timePartitioning }),
    ...(clustering === undefined ? {} : { clustering }),
    ...(kmsKeyName === undefined ? {} : { kmsKeyName }),
    ...(expirationTime === undefined ? {} : { expirationTime }),
    ...(description === undefined ? {} : { description }),
  };
  await store.createTable(entry);
  return entry;
}

/** tables.patch: description, labels, expiration, and a schema that only adds NULLABLE fields. */
export async function patchTable(store: BigqueryStore, entry: TableEntry, body: unknown): Promise<void> {
  const patch = readResource(body, "Table", "table", tableSupported, tableOutputOnly);
  const name = tableKey(entry.projectId, entry.datasetId, entry.tableId);
  for (const fixed of ["timePartitioning", "clustering", "encryptionConfiguration"] as const) {
    if (patch[fixed] !== undefined) throw unsupported(`Changing ${fixed} with tables.patch`, `table.${fixed}`);
  }
  if (patch.schema !== undefined) {
    const schema = readSchema(patch.schema, "table.schema");
    for (const field of entry.schema) {
      const next = schema.find((candidate) => candidate.name.toLowerCase() === field.name.toLowerCase());
      if (next === undefined)
        throw invalid(
          `Provided Schema does not match Table ${name}. Field ${field.name} is missing in new schema`,
          "table.schema",
        );
      if (next.type !== field.type)
        throw invalid(
          `Provided Schema does not match Table ${name}. Field ${field.name} has changed type from ${field.type} to ${next.type}`,
          "table.schema",
        );
    }
    const added = schema.filter(
      (field) => !entry.schema.some((existing) => existing.name.toLowerCase() === field.name.toLowerCase()),
    );
    const required = added.find((field) => field.mode === "REQUIRED");
    if (required !== undefined)
      throw invalid(
        `Provided Schema does not match Table ${name}. Cannot add required fields to an existing schema. (field: ${required.name})`,
        "table.schema",
      );
    await store.exclusive((connection) => store.addColumns(connection, entry, added));
  }
  const description = readString(patch, "description", "table");
  if (description !== undefined) entry.description = description;
  const expirationTime = readInt64(patch, "expirationTime", "table");
  if (expirationTime !== undefined) entry.expirationTime = expirationTime;
  entry.lastModifiedTime = Date.now();
}

export async function tableResource(store: BigqueryStore, entry: TableEntry, baseUrl: string): Promise<JsonObject> {
  const dataset = store.dataset(entry.projectId, entry.datasetId);
  return {
    kind: "bigquery#table",
    id: tableKey(entry.projectId, entry.datasetId, entry.tableId),
    etag: Buffer.from(`${entry.tableId}:${entry.lastModifiedTime}`).toString("base64"),
    selfLink: `${baseUrl}/bigquery/v2/projects/${entry.projectId}/datasets/${entry.datasetId}/tables/${entry.tableId}`,
    tableReference: { projectId: entry.projectId, datasetId: entry.datasetId, tableId: entry.tableId },
    schema: schemaJson(entry.schema),
    type: entry.type,
    location: dataset.location,
    creationTime: String(entry.creationTime),
    lastModifiedTime: String(entry.lastModifiedTime),
    numRows: String(await store.rowCount(entry)),
    ...(entry.timePartitioning === undefined
      ? {}
      : {
          timePartitioning: {
            ...entry.timePartitioning,
            ...(entry.timePartitioning.expirationMs === undefined
              ? {}
              : { expirationMs: String(entry.timePartitioning.expirationMs) }),
          },
        }),
    ...(entry.clustering === undefined ? {} : { clustering: { fields: entry.clustering } }),
    ...(entry.kmsKeyName === undefined ? {} : { encryptionConfiguration: { kmsKeyName: entry.kmsKeyName } }),
    ...(entry.expirationTime === undefined ? {} : { expirationTime: String(entry.expirationTime) }),
    ...(entry.description === undefined ? {} : { description: entry.description }),
  };
}
