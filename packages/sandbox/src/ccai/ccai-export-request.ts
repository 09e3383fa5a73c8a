import { z } from "zod";
import type { JsonObject } from "./ccai-encoding.ts";
import { invalidArgument } from "./ccai-errors.ts";

export const writeDispositions = ["WRITE_DISPOSITION_UNSPECIFIED", "WRITE_TRUNCATE", "WRITE_APPEND"] as const;
export const exportSchemaVersions = [
  "EXPORT_SCHEMA_VERSION_UNSPECIFIED",
  ...Array.from({ length: 17 }, (_, index) => `EXPORT_V${index + 1}`),
  "EXPORT_VERSION_LATEST_AVAILABLE",
] as const;

/** ExportInsightsDataRequest after parsing, lowerCamelCase, enums as names (vendor-apis §1.12). */
export interface CcaiExportRequest {
  parent: string;
  bigQueryDestination: { projectId: string; dataset: string; table: string };
  filter: string;
  kmsKey: string;
  writeDisposition: (typeof writeDispositions)[number];
  exportSchemaVersion: string;
}

const enumValue = (names: readonly string[]) =>
  z.union([
    z.enum(names as [string, ...string[]]),
    z
      .number()
      .int()
      .min(0)
      .max(names.length - 1),
  ]);

const schema = z.object({
  parent: z.string().optional(),
  bigQueryDestination: z
    .object({ projectId: z.string().optional(), dataset: z.string().optional(), table: z.string().optional() })
    .optional(),
  filter: z.string().optional(),
  kmsKey: z.string().optional(),
  writeDisposition: enumValue(writeDispositions).optional(),
  // Numeric values of this REST-only enum are not published, so only names are accepted [I].
  exportSchemaVersion: z.enum(exportSchemaVersions as unknown as [string, ...string[]]).optional(),
});

const knownFields: Record<string, readonly string[]> = {
  "": ["parent", "bigQueryDestination", "filter", "kmsKey", "writeDisposition", "exportSchemaVersion"],
  bigQueryDestination: ["projectId", "dataset", "table"],
};

const camel = (name: string) => name.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase());
const snake = (name: string) => name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);

/** proto3 JSON parsers accept both the lowerCamelCase and the original snake_case names (seed 000 uses snake_case). */
function normalize(value: unknown, path: string): unknown {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return value;
  const allowed = knownFields[path] ?? [];
  const result: JsonObject = {};
  for (const [key, item] of Object.entries(value)) {
    const name = camel(key);
    if (!allowed.includes(name)) {
      const where = path === "" ? "" : ` at '${snake(path)}'`;
      throw invalidArgument(`Invalid JSON payload received. Unknown name "${key}"${where}: Cannot find field.`);
    }
    result[name] = normalize(item, path === "" ? name : `${path}.${name}`);
  }
  return result;
}

/** Parses the body the way Google's REST front end does: unknown names and wrongly typed values are 400s. */
export function parseExportRequest(body: string, parent: string): CcaiExportRequest {
  let json: unknown;
  try {
    json = body.trim() === "" ? {} : JSON.parse(body);
  } catch {
    throw invalidArgument("Invalid JSON payload received. Unexpected token.");
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw invalidArgument("Invalid JSON payload received. Expected an object.");
  }
  const parsed = schema.safeParse(normalize(json, ""));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = (issue?.path ?? []).map((part) => snake(String(part))).join(".");
    const received = (issue?.path ?? []).reduce<unknown>(
      (node, part) => (node as JsonObject | undefined)?.[String(part)],
      normalize(json, ""),
    );
    throw invalidArgument(`Invalid value at '${path}', ${JSON.stringify(received)}`);
  }
  const data = parsed.data;
  const writeDisposition = (
    typeof data.writeDisposition === "number" ? writeDispositions[data.writeDisposition] : data.writeDisposition
  ) as CcaiExportRequest["writeDisposition"] | undefined;
  return {
    parent,
    bigQueryDestination: {
      projectId: data.bigQueryDestination?.projectId ?? "",
      dataset: data.bigQueryDestination?.dataset ?? "",
      table: data.bigQueryDestination?.table ?? "",
    },
    filter: data.filter ?? "",
    kmsKey: data.kmsKey ?? "",
    writeDisposition: writeDisposition ?? "WRITE_DISPOSITION_UNSPECIFIED",
    exportSchemaVersion: data.exportSchemaVersion ?? "EXPORT_SCHEMA_VERSION_UNSPECIFIED",
  };
}

const projectPattern = /^(?:[a-z][a-z0-9-]{4,28}[a-z0-9]|\d{1,20}|[a-z0-9.-]+:[a-z][a-z0-9-]{4,28}[a-z0-9])$/;
const datasetPattern = /^[A-Za-z0-9_]{1,1024}$/;
const tablePattern = /^[\p{L}\p{M}\p{N}\p{Pc}\p{Pd} ]{1,1024}$/u;
const kmsKeyPattern =
  /^projects\/[^/]+\/locations\/[^/]+\/keyRings\/[^/]+\/cryptoKeys\/[^/]+(?:\/cryptoKeyVersions\/[^/]+)?$/;

/**
 * Checks the destination and the CMEK key. `existingTables` ("project.dataset.table" or "project.dataset") models the
 * proto's "if this dataset/table does not exist, the export call returns an INVALID_ARGUMENT error"; when it is not
 * given every well-formed destination is taken to exist.
 */
export function validateExportRequest(
  request: CcaiExportRequest,
  project: string,
  existingTables?: readonly string[],
): void {
  const destination = request.bigQueryDestination;
  if (destination.dataset === "") throw invalidArgument("big_query_destination.dataset is required.");
  if (!datasetPattern.test(destination.dataset)) {
    throw invalidArgument(
      `Invalid BigQuery dataset name "${destination.dataset}": use letters, digits and underscores.`,
    );
  }
  if (destination.table !== "" && !tablePattern.test(destination.table)) {
    throw invalidArgument(`Invalid BigQuery table name "${destination.table}".`);
  }
  if (destination.projectId !== "" && !projectPattern.test(destination.projectId)) {
    throw invalidArgument(`Invalid big_query_destination.project_id "${destination.projectId}".`);
  }
  if (request.kmsKey !== "" && !kmsKeyPattern.test(request.kmsKey)) {
    throw invalidArgument(
      `Invalid kms_key "${request.kmsKey}": expected projects/{project}/locations/{location}/keyRings/{keyring}/cryptoKeys/{key}/cryptoKeyVersions/{version}.`,
    );
  }
  if (existingTables) {
    const target = destination.projectId || project;
    if (
      !existingTables.some(
        (entry) =>
          entry === `${target}.${destination.dataset}` || entry.startsWith(`${target}.${destination.dataset}.`),
      )
    ) {
      throw invalidArgument(`BigQuery dataset ${target}:${destination.dataset} does not exist.`);
    }
    if (destination.table !== "" && !existingTables.includes(`${target}.${destination.dataset}.${destination.table}`)) {
      throw invalidArgument(`BigQuery table ${target}:${destination.dataset}.${destination.table} does not exist.`);
    }
  }
}

/** The request as echoed in ExportInsightsDataMetadata.request: proto3 JSON, defaults omitted. */
export function encodeExportRequest(request: CcaiExportRequest): JsonObject {
  const destination: JsonObject = {};
  if (request.bigQueryDestination.projectId) destination.projectId = request.bigQueryDestination.projectId;
  destination.dataset = request.bigQueryDestination.dataset;
  if (request.bigQueryDestination.table) destination.table = request.bigQueryDestination.table;
  const encoded: JsonObject = { parent: request.parent, bigQueryDestination: destination };
  if (request.filter) encoded.filter = request.filter;
  if (request.kmsKey) encoded.kmsKey = request.kmsKey;
  if (request.writeDisposition !== "WRITE_DISPOSITION_UNSPECIFIED") encoded.writeDisposition = request.writeDisposition;
  if (request.exportSchemaVersion !== "EXPORT_SCHEMA_VERSION_UNSPECIFIED") {
    encoded.exportSchemaVersion = request.exportSchemaVersion;
  }
  return encoded;
}
