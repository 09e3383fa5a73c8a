import { randomUUID } from "node:crypto";
import {
  BigqueryApiError,
  type BigqueryErrorProto,
  type BigqueryReason,
  duplicate,
  invalid,
  notFound,
  unsupported,
} from "./bigquery-errors.ts";
import { type LoadConfiguration, readLoadConfiguration, runLoad } from "./bigquery-load.ts";
import { type QueryContext, type QueryOutcome, runQuery } from "./bigquery-query.ts";
import { fieldPath, type JsonObject, readBoolean, readEnum, readResource, readString } from "./bigquery-shapes.ts";
import { referencedDatasets } from "./bigquery-sql.ts";
import type { BigqueryStore } from "./bigquery-store.ts";

export type JobState = "PENDING" | "RUNNING" | "DONE";

/** A job as the emulator keeps it; `resource()` renders the REST Job. */
export interface JobRecord {
  projectId: string;
  jobId: string;
  location: string;
  type: "LOAD" | "QUERY";
  configuration: JsonObject;
  state: JobState;
  pollsLeft: number;
  errors?: BigqueryErrorProto[];
  creationTime: number;
  endTime?: number;
  outcome?: QueryOutcome;
  load?: { outputRows: number; badRecords: number; inputFileBytes: number };
}

/** A job that will end with this error result instead of running (switchable fault). */
export interface JobFault {
  reason: BigqueryReason;
  message?: string;
  type?: "LOAD" | "QUERY";
  remaining: number;
}

const jobIdPattern = /^[A-Za-z0-9_-]{1,1024}$/;
const sameLocation = (left: string, right: string) => left.toLowerCase() === right.toLowerCase();

export class BigqueryJobs {
  readonly records = new Map<string, JobRecord>();
  readonly faults: JobFault[] = [];
  readonly #store: BigqueryStore;
  readonly #pollsUntilDone: number;

  constructor(store: BigqueryStore, pollsUntilDone: number) {
    this.#store = store;
    this.#pollsUntilDone = pollsUntilDone;
  }

  /** Reads the Job envelope shared by jobs.insert and the upload endpoint. */
  readJob(
    projectId: string,
    body: unknown,
  ): { jobId: string; location: string | undefined; configuration: JsonObject } {
    const job = readResource(
      body,
      "Job",
      "job",
      ["jobReference", "configuration"],
      [
        "kind",
        "id",
        "selfLink",
        "etag",
        "status",
        "statistics",
        "user_email",
        "principal_subject",
        "jobCreationReason",
      ],
    );
    if (job.configuration === undefined)
      throw invalid("Required parameter is missing: job.configuration", "job.configuration");
    const reference =
      job.jobReference === undefined
        ? {}
        : readResource(job.jobReference, "JobReference", "job.jobReference", ["jobId", "projectId", "location"]);
    const referenceProject = readString(reference, "projectId", "job.jobReference");
    if (referenceProject !== undefined && referenceProject !== projectId)
      throw invalid(
        `Project ${referenceProject} in the job reference does not match the request's project ${projectId}.`,
        "job.jobReference.projectId",
      );
    const jobId = readString(reference, "jobId", "job.jobReference") ?? `job_${randomUUID().replaceAll("-", "_")}`;
    if (!jobIdPattern.test(jobId))
      throw invalid(
        `Invalid job ID "${jobId}". Job IDs must be alphanumeric (plus underscores and dashes) and at most 1024 characters long.`,
        "job.jobReference.jobId",
      );
    const configuration = readResource(job.configuration, "JobConfiguration", "job.configuration", [
      "load",
      "query",
      "labels",
      "dryRun",
      "jobTimeoutMs",
      "jobType",
    ]);
    if (readBoolean(configuration, "dryRun", "job.configuration") === true)
      throw unsupported("Dry runs", "job.configuration.dryRun");
    if ((configuration.load === undefined) === (configuration.query === undefined))
      throw invalid(
        "Exactly one of load, query, copy or extract must be set in job.configuration.",
        "job.configuration",
      );
    return { jobId, location: readString(reference, "location", "job.jobReference"), configuration };
  }

  #register(
    projectId: string,
    jobId: string,
    location: string,
    type: JobRecord["type"],
    configuration: JsonObject,
  ): JobRecord {
    for (const record of this.records.values()) {
      if (record.projectId === projectId && record.jobId === jobId)
        throw duplicate(`Job ${projectId}:${record.location}.${jobId}`);
    }
    const record: JobRecord = {
      projectId,
      jobId,
      location,
      type,
      configuration: { ...configuration, jobType: type },
      state: "PENDING",
      pollsLeft: this.#pollsUntilDone,
      creationTime: Date.now(),
    };
    this.records.set(`${projectId}:${jobId}`, record);
    return record;
  }

  async #execute(record: JobRecord, work: () => Promise<void>): Promise<void> {
    const fault = this.faults.find(
      (candidate) => candidate.remaining > 0 && (candidate.type === undefined || candidate.type === record.type),
    );
    try {
      if (fault !== undefined) {
        fault.remaining -= 1;
        throw new BigqueryApiError(
          500,
          fault.reason,
          fault.message ??
            `The job encountered an error during execution (${fault.reason}). Retrying the job may solve the problem.`,
        );
      }
      await work();
    } catch (error) {
      const failure =
        error instanceof BigqueryApiError ? error : new BigqueryApiError(500, "backendError", String(error));
      record.errors = [failure.proto(), ...((failure as { details?: BigqueryErrorProto[] }).details ?? [])];
    }
    record.endTime = Date.now();
    if (record.pollsLeft === 0) record.state = "DONE";
  }

  #locationOf(projectId: string, datasetId: string, requested: string | undefined): string {
    const dataset = this.#store.dataset(projectId, datasetId);
    if (requested !== undefined && !sameLocation(requested, dataset.location))
      throw notFound(`Dataset ${projectId}:${datasetId} was not found in location ${requested}`);
    return requested ?? dataset.location;
  }

  async insertLoad(projectId: string, body: unknown, data: string): Promise<JobRecord> {
    const { jobId, location, configuration } = this.readJob(projectId, body);
    if (configuration.load === undefined)
      throw invalid("The upload endpoint only accepts load jobs: set job.configuration.load.", "job.configuration");
    const load: LoadConfiguration = readLoadConfiguration(configuration.load, "job.configuration.load");
    if ((configuration.load as JsonObject).sourceUris !== undefined)
      throw invalid(
        "sourceUris must not be set when the data is uploaded with the request.",
        "job.configuration.load.sourceUris",
      );
    const jobLocation = this.#locationOf(load.destination.projectId, load.destination.datasetId, location);
    const record = this.#register(projectId, jobId, jobLocation, "LOAD", configuration);
    await this.#execute(record, async () => {
      record.load = { ...(await runLoad(this.#store, load, data)), inputFileBytes: Buffer.byteLength(data) };
    });
    return record;
  }

  #queryContext(projectId: string, query: JsonObject, path: string): QueryContext {
    if (readBoolean(query, "useLegacySql", path) !== false)
      throw unsupported("Legacy SQL (useLegacySql defaults to true; set it to false)", fieldPath(path, "useLegacySql"));
    readEnum(query, "priority", path, "priority");
    if (query.defaultDataset === undefined) return { projectId };
    const reference = readResource(query.defaultDataset, "DatasetReference", fieldPath(path, "defaultDataset"), [
      "projectId",
      "datasetId",
    ]);
    return {
      projectId,
      defaultDataset: {
        projectId: readString(reference, "projectId", `${path}.defaultDataset`) ?? projectId,
        datasetId: readString(reference, "datasetId", `${path}.defaultDataset`, true) as string,
      },
    };
  }

  #queryLocation(context: QueryContext, sql: string, requested: string | undefined): string {
    const datasets = referencedDatasets(sql, context.projectId).filter(([project, dataset]) =>
      this.#store.datasets.has(`${project}:${dataset}`),
    );
    if (context.defaultDataset !== undefined)
      datasets.unshift([context.defaultDataset.projectId, context.defaultDataset.datasetId]);
    let location = requested;
    for (const [project, dataset] of datasets) location = this.#locationOf(project, dataset, location);
    return location ?? "US";
  }

  async insertQuery(projectId: string, body: unknown, requestedLocation?: string): Promise<JobRecord> {
    const { jobId, location, configuration } = this.readJob(projectId, body);
    if (configuration.query === undefined)
      throw unsupported("Load jobs from Cloud Storage (use the upload endpoint)", "job.configuration.load");
    const path = "job.configuration.query";
    const query = readResource(configuration.query, "JobConfigurationQuery", path, [
      "query",
      "useLegacySql",
      "defaultDataset",
      "priority",
      "useQueryCache",
      "maximumBytesBilled",
    ]);
    const sql = readString(query, "query", path, true) as string;
    const context = this.#queryContext(projectId, query, path);
    const record = this.#register(
      projectId,
      jobId,
      this.#queryLocation(context, sql, location ?? requestedLocation),
      "QUERY",
      configuration,
    );
    await this.#execute(record, async () => {
      record.outcome = await runQuery(this.#store, sql, context);
    });
    return record;
  }

  /** jobs.get: a poll. Moves PENDING to RUNNING to DONE as the configured number of polls passes. */
  poll(projectId: string, jobId: string, location: string | undefined): JobRecord {
    const record = this.records.get(`${projectId}:${jobId}`);
    const visible =
      record !== undefined &&
      (location === undefined
        ? ["US", "EU"].includes(record.location.toUpperCase())
        : sameLocation(location, record.location));
    if (record === undefined || !visible) throw notFound(`Job ${projectId}:${location ?? "US"}.${jobId}`);
    if (record.state !== "DONE") {
      record.pollsLeft = Math.max(0, record.pollsLeft - 1);
      record.state = record.pollsLeft === 0 && record.endTime !== undefined ? "DONE" : "RUNNING";
    }
    return record;
  }
}

export function jobResource(record: JobRecord, baseUrl: string): JsonObject {
  const id = `${record.projectId}:${record.location}.${record.jobId}`;
  const [errorResult] = record.errors ?? [];
  const done = record.state === "DONE";
  const statistics: JsonObject = { creationTime: String(record.creationTime), startTime: String(record.creationTime) };
  if (done) statistics.endTime = String(record.endTime ?? record.creationTime);
  if (done && record.type === "LOAD" && record.load !== undefined) {
    statistics.load = {
      inputFiles: "1",
      inputFileBytes: String(record.load.inputFileBytes),
      outputRows: String(record.load.outputRows),
      badRecords: String(record.load.badRecords),
    };
  }
  if (done && record.type === "QUERY" && record.outcome !== undefined) {
    statistics.query = {
      statementType: record.outcome.statementType,
      totalBytesProcessed: "0",
      ...(record.outcome.numDmlAffectedRows === undefined
        ? {}
        : { numDmlAffectedRows: String(record.outcome.numDmlAffectedRows) }),
    };
  }
  return {
    kind: "bigquery#job",
    etag: Buffer.from(`${id}:${record.state}`).toString("base64"),
    id,
    selfLink: `${baseUrl}/bigquery/v2/projects/${record.projectId}/jobs/${record.jobId}?location=${record.location}`,
    user_email: "emulator@parley.local",
    jobReference: { projectId: record.projectId, jobId: record.jobId, location: record.location },
    configuration: record.configuration,
    statistics,
    status: {
      state: record.state,
      ...(done && errorResult !== undefined ? { errorResult, errors: record.errors } : {}),
    },
  };
}
