import { invalid, unsupported } from "./bigquery-errors.ts";

/**
 * Field names of the REST v2 resources the emulator reads, as documented in
 * https://cloud.google.com/bigquery/docs/reference/rest/v2 (Job, JobConfigurationLoad, JobConfigurationQuery,
 * Table, TableSchema, TableFieldSchema, TimePartitioning, Clustering, EncryptionConfiguration, Dataset, QueryRequest).
 * A name outside these lists is refused the way Google's front end does ("Unknown name"); a documented name the
 * emulator does not implement is refused as unsupported, so nothing is silently ignored.
 */
export const documentedFields = {
  Job: [
    "configuration",
    "etag",
    "id",
    "jobCreationReason",
    "jobReference",
    "kind",
    "selfLink",
    "statistics",
    "status",
    "user_email",
    "principal_subject",
  ],
  JobReference: ["jobId", "location", "projectId"],
  JobConfiguration: [
    "copy",
    "dryRun",
    "extract",
    "jobTimeoutMs",
    "jobType",
    "labels",
    "load",
    "maxSlots",
    "query",
    "reservation",
  ],
  JobConfigurationLoad: [
    "allowJaggedRows",
    "allowQuotedNewlines",
    "autodetect",
    "clustering",
    "columnNameCharacterMap",
    "connectionProperties",
    "copyFilesOnly",
    "createDisposition",
    "createSession",
    "dateFormat",
    "datetimeFormat",
    "decimalTargetTypes",
    "destinationEncryptionConfiguration",
    "destinationTable",
    "destinationTableProperties",
    "encoding",
    "fieldDelimiter",
    "fileSetSpecType",
    "hivePartitioningOptions",
    "ignoreUnknownValues",
    "jsonExtension",
    "maxBadRecords",
    "nullMarker",
    "nullMarkers",
    "parquetOptions",
    "preserveAsciiControlCharacters",
    "projectionFields",
    "quote",
    "rangePartitioning",
    "referenceFileSchemaUri",
    "schema",
    "schemaInline",
    "schemaInlineFormat",
    "schemaUpdateOptions",
    "skipLeadingRows",
    "sourceColumnMatch",
    "sourceFormat",
    "sourceUris",
    "timeFormat",
    "timePartitioning",
    "timeZone",
    "timestampFormat",
    "timestampTargetPrecision",
    "useAvroLogicalTypes",
    "writeDisposition",
  ],
  JobConfigurationQuery: [
    "allowLargeResults",
    "clustering",
    "connectionProperties",
    "continuous",
    "createDisposition",
    "createSession",
    "defaultDataset",
    "destinationEncryptionConfiguration",
    "destinationTable",
    "flattenResults",
    "maximumBillingTier",
    "maximumBytesBilled",
    "parameterMode",
    "preserveNulls",
    "priority",
    "query",
    "queryParameters",
    "rangePartitioning",
    "schemaUpdateOptions",
    "scriptOptions",
    "secureContext",
    "systemVariables",
    "tableDefinitions",
    "timePartitioning",
    "useLegacySql",
    "useQueryCache",
    "userDefinedFunctionResources",
    "writeDisposition",
    "writeIncrementalResults",
  ],
  QueryRequest: [
    "arrowSerializationOptions",
    "connectionProperties",
    "continuous",
    "createSession",
    "defaultDataset",
    "destinationEncryptionConfiguration",
    "dryRun",
    "formatOptions",
    "jobCreationMode",
    "jobTimeoutMs",
    "kind",
    "labels",
    "location",
    "maxResults",
    "maxSlots",
    "maximumBytesBilled",
    "parameterMode",
    "preserveNulls",
    "query",
    "queryParameters",
    "queryResultsFormat",
    "requestId",
    "reservation",
    "secureContext",
    "timeoutMs",
    "useLegacySql",
    "useQueryCache",
    "writeIncrementalResults",
  ],
  Table: [
    "biglakeConfiguration",
    "cloneDefinition",
    "clustering",
    "creationTime",
    "defaultCollation",
    "defaultRoundingMode",
    "description",
    "encryptionConfiguration",
    "etag",
    "expirationTime",
    "externalCatalogTableOptions",
    "externalDataConfiguration",
    "friendlyName",
    "id",
    "kind",
    "labels",
    "lastModifiedTime",
    "location",
    "managedTableType",
    "materializedView",
    "materializedViewStatus",
    "maxStaleness",
    "model",
    "numActiveLogicalBytes",
    "numActivePhysicalBytes",
    "numBytes",
    "numCurrentPhysicalBytes",
    "numLongTermBytes",
    "numLongTermLogicalBytes",
    "numLongTermPhysicalBytes",
    "numPartitions",
    "numPhysicalBytes",
    "numRows",
    "numTimeTravelPhysicalBytes",
    "numTotalLogicalBytes",
    "numTotalPhysicalBytes",
    "partitionDefinition",
    "rangePartitioning",
    "replicas",
    "requirePartitionFilter",
    "resourceTags",
    "restrictions",
    "schema",
    "selfLink",
    "snapshotDefinition",
    "streamingBuffer",
    "tableConstraints",
    "tableReference",
    "tableReplicationInfo",
    "timePartitioning",
    "type",
    "view",
  ],
  TableReference: ["datasetId", "projectId", "tableId"],
  TableSchema: ["fields", "foreignTypeInfo"],
  TableFieldSchema: [
    "categories",
    "collation",
    "dataGovernanceTagsInfo",
    "dataPolicies",
    "dataPolicyList",
    "defaultValueExpression",
    "description",
    "fields",
    "foreignTypeDefinition",
    "generatedColumn",
    "maxLength",
    "mode",
    "name",
    "policyTags",
    "precision",
    "rangeElementType",
    "roundingMode",
    "scale",
    "timestampPrecision",
    "type",
  ],
  TimePartitioning: ["expirationMs", "field", "requirePartitionFilter", "type"],
  Clustering: ["fields"],
  EncryptionConfiguration: ["kmsKeyName"],
  Dataset: [
    "access",
    "catalogSource",
    "creationTime",
    "datasetReference",
    "defaultCollation",
    "defaultEncryptionConfiguration",
    "defaultPartitionExpirationMs",
    "defaultRoundingMode",
    "defaultTableExpirationMs",
    "description",
    "etag",
    "externalCatalogDatasetOptions",
    "externalDatasetReference",
    "friendlyName",
    "id",
    "isCaseInsensitive",
    "kind",
    "labels",
    "lastModifiedTime",
    "linkedDatasetMetadata",
    "linkedDatasetSource",
    "location",
    "maxTimeTravelHours",
    "resourceTags",
    "restrictions",
    "satisfiesPzi",
    "satisfiesPzs",
    "selfLink",
    "storageBillingModel",
    "tags",
    "type",
  ],
  DatasetReference: ["datasetId", "projectId"],
  DataFormatOptions: ["timestampOutputFormat", "useInt64Timestamp"],
} as const;

export type ResourceName = keyof typeof documentedFields;

/** Documented enum values (REST reference) of the fields the emulator validates. */
export const documentedEnums = {
  sourceFormat: [
    "CSV",
    "NEWLINE_DELIMITED_JSON",
    "AVRO",
    "PARQUET",
    "ORC",
    "DATASTORE_BACKUP",
    "ICEBERG",
    "GOOGLE_SHEETS",
    "BIGTABLE",
  ],
  writeDisposition: ["WRITE_TRUNCATE", "WRITE_TRUNCATE_DATA", "WRITE_APPEND", "WRITE_EMPTY"],
  createDisposition: ["CREATE_IF_NEEDED", "CREATE_NEVER"],
  schemaUpdateOptions: ["ALLOW_FIELD_ADDITION", "ALLOW_FIELD_RELAXATION"],
  timePartitioningType: ["DAY", "HOUR", "MONTH", "YEAR"],
  fieldType: [
    "STRING",
    "BYTES",
    "INTEGER",
    "INT64",
    "FLOAT",
    "FLOAT64",
    "BOOLEAN",
    "BOOL",
    "TIMESTAMP",
    "DATE",
    "TIME",
    "DATETIME",
    "GEOGRAPHY",
    "NUMERIC",
    "BIGNUMERIC",
    "JSON",
    "RECORD",
    "STRUCT",
    "RANGE",
  ],
  fieldMode: ["NULLABLE", "REQUIRED", "REPEATED"],
  priority: ["INTERACTIVE", "BATCH"],
} as const;

export type JsonObject = Record<string, unknown>;

/** `job.configuration.load` style path of a nested field, as Google's messages print it. */
export function fieldPath(parent: string, key: string): string {
  return parent === "" ? key : `${parent}.${key}`;
}

/**
 * Checks that `value` is an object whose keys are documented for `resource`, and that every key present is one the
 * emulator implements (`supported`) or output-only (`ignored`: accepted on input and dropped, as BigQuery does).
 */
export function readResource(
  value: unknown,
  resource: ResourceName,
  path: string,
  supported: readonly string[],
  ignored: readonly string[] = [],
): JsonObject {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw invalid(`Invalid JSON payload received. Expected an object at '${path}'.`, path);
  }
  const known: readonly string[] = documentedFields[resource];
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) {
      throw invalid(
        `Invalid JSON payload received. Unknown name "${key}" at '${path}': Cannot find field.`,
        fieldPath(path, key),
      );
    }
    if (!supported.includes(key) && !ignored.includes(key))
      throw unsupported(`Field '${fieldPath(path, key)}'`, fieldPath(path, key));
  }
  return value as JsonObject;
}

export function readString(object: JsonObject, key: string, path: string, required = false): string | undefined {
  const value = object[key];
  if (value === undefined || value === null) {
    if (required) throw invalid(`Required parameter is missing: ${fieldPath(path, key)}`, fieldPath(path, key));
    return undefined;
  }
  if (typeof value !== "string")
    throw invalid(`Invalid value at '${fieldPath(path, key)}': expected a string.`, fieldPath(path, key));
  if (required && value === "")
    throw invalid(`Required parameter is missing: ${fieldPath(path, key)}`, fieldPath(path, key));
  return value;
}

export function readBoolean(object: JsonObject, key: string, path: string): boolean | undefined {
  const value = object[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "boolean")
    throw invalid(`Invalid value at '${fieldPath(path, key)}': expected a boolean.`, fieldPath(path, key));
  return value;
}

/** int64 fields travel as JSON strings (or numbers) in the REST API. */
export function readInt64(object: JsonObject, key: string, path: string): number | undefined {
  const value = object[key];
  if (value === undefined || value === null) return undefined;
  const text = typeof value === "number" ? String(value) : value;
  if (typeof text !== "string" || !/^-?\d+$/.test(text))
    throw invalid(
      `Invalid value at '${fieldPath(path, key)}' (TYPE_INT64), ${JSON.stringify(value)}`,
      fieldPath(path, key),
    );
  return Number(text);
}

export function readEnum<K extends keyof typeof documentedEnums>(
  object: JsonObject,
  key: string,
  path: string,
  values: K,
): (typeof documentedEnums)[K][number] | undefined {
  const value = readString(object, key, path);
  if (value === undefined) return undefined;
  const allowed: readonly string[] = documentedEnums[values];
  if (!allowed.includes(value)) {
    throw invalid(
      `Invalid value for ${key}: "${value}" is not a valid value. Expected one of: ${allowed.join(", ")}.`,
      fieldPath(path, key),
    );
  }
  return value as (typeof documentedEnums)[K][number];
}

export function readStringList(object: JsonObject, key: string, path: string): string[] | undefined {
  const value = object[key];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.some((item) => typeof item !== "string")) {
    throw invalid(`Invalid value at '${fieldPath(path, key)}': expected a list of strings.`, fieldPath(path, key));
  }
  return value as string[];
}
