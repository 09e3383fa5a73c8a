import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { BigQuery, type Job, type JobMetadata, type Table, type TableMetadata } from "@google-cloud/bigquery";
import { ConfigError, retrying } from "@parley/core";
import { refuseDuplicateColumns } from "@parley/core/warehouse";
import type { AnyAuthClient } from "google-auth-library";
import type { BigqueryConfig } from "./bigquery-config.ts";
import { asJobFailure, isRetryable, JobFailure, toParleyError } from "./bigquery-errors.ts";
import { castInteger, normaliseValue, quoteIdentifier } from "./bigquery-types.ts";

type Json = Record<string, unknown>;

/**
 * The BigQuery client and the dataset, created on first use. Every call goes through one retry policy
 * (the client's own retries are off): uploads, which the client never retries, and jobs that end with a
 * transient error result are retried the same way as plain requests.
 */
export class BigquerySession {
  readonly #config: BigqueryConfig;
  readonly #authClient: AnyAuthClient | undefined;
  #client: BigQuery | undefined;
  #dataset: Promise<void> | undefined;

  constructor(config: BigqueryConfig, authClient: AnyAuthClient | undefined) {
    this.#config = config;
    this.#authClient = authClient;
  }

  get datasetProject(): string {
    return this.#config.datasetProjectId ?? this.#config.projectId;
  }

  /** `` `project.dataset.table` `` */
  tableName(table: string): string {
    return quoteIdentifier(`${this.datasetProject}.${this.#config.dataset}.${table}`);
  }

  #bigquery(): BigQuery {
    this.#client ??= new BigQuery({
      projectId: this.#config.projectId,
      retryOptions: { autoRetry: false },
      ...(this.#config.apiEndpoint === undefined ? {} : { apiEndpoint: this.#config.apiEndpoint }),
      ...(this.#config.keyFilename === undefined ? {} : { keyFilename: this.#config.keyFilename }),
      ...(this.#authClient === undefined ? {} : { authClient: this.#authClient }),
    });
    return this.#client;
  }

  /** A Table handle without a location on purpose: with one, the client adds an undocumented `location` to load configurations. */
  table(table: string): Table {
    return this.#bigquery().dataset(this.#config.dataset, { projectId: this.datasetProject }).table(table);
  }

  /**
   * Runs a load job from a file into `table`. The upload goes to the job project: the client would otherwise post it
   * to the dataset's project, so the handle belongs to the job project and the destination is named explicitly.
   */
  load(table: string, file: string, configuration: Json): Promise<JobMetadata> {
    const destinationTable = { projectId: this.datasetProject, datasetId: this.#config.dataset, tableId: table };
    const handle = this.#bigquery().dataset(this.#config.dataset, { projectId: this.#config.projectId }).table(table);
    return this.runJob(`load_${table}`, (jobId) =>
      handle.createLoadJob(file, { ...configuration, destinationTable, jobId }).then(([job]) => job),
    );
  }

  #context(operation: string, method: string, path: string, attempts: number) {
    const endpoint = this.#config.apiEndpoint ?? "https://bigquery.googleapis.com";
    return {
      operation,
      method,
      url: `${endpoint}/bigquery/v2/projects/${path}`,
      attempts,
      credential: this.#config.keyFilename === undefined ? "application default credentials" : "keyFilename",
    };
  }

  /** The sink's retry settings as core's retry policy: `maxRetries` after the first attempt, doubling from `retryDelayMs`. */
  get #policy() {
    return { maxAttempts: this.#config.maxRetries + 1, initialDelayMs: this.#config.retryDelayMs, maxDelayMs: 32_000 };
  }

  #retryOn(operation: string) {
    return (error: unknown) =>
      isRetryable(error) ? { reason: `BigQuery ${operation} failed transiently` } : undefined;
  }

  /** Runs a request with the retry policy; failures become typed errors. */
  request<T>(operation: string, method: string, path: string, work: () => Promise<T>): Promise<T> {
    return retrying(() => work(), {
      policy: this.#policy,
      retryOn: this.#retryOn(operation),
      giveUp: (error, attempt) => toParleyError(error, this.#context(operation, method, path, attempt)),
    });
  }

  /** Calls the REST API through the client (authenticated, with the job project's base URL). */
  raw(options: { method: string; uri: string; projectId?: string; json?: Json }): Promise<Json> {
    return new Promise((resolve, reject) => {
      this.#bigquery().request(options, (error: Error | null, body?: unknown) =>
        error ? reject(error) : resolve((body ?? {}) as Json),
      );
    });
  }

  ensureDataset(): Promise<void> {
    this.#dataset ??= this.#createDataset().catch((error: unknown) => {
      this.#dataset = undefined;
      throw error;
    });
    return this.#dataset;
  }

  async #createDataset(): Promise<void> {
    const { dataset, location, kmsKeyName } = this.#config;
    const path = `${this.datasetProject}/datasets/${dataset}`;
    const existing = await this.request("datasets.get", "GET", path, () =>
      this.raw({ method: "GET", uri: `/datasets/${dataset}`, projectId: this.datasetProject }).catch(
        (error: { code?: number }) => {
          if (error.code === 404) return undefined;
          throw error;
        },
      ),
    );
    if (existing !== undefined) {
      if (String(existing.location).toLowerCase() !== location.toLowerCase()) {
        throw new ConfigError([
          {
            path: "sink.location",
            message: `dataset ${this.datasetProject}:${dataset} is in ${String(existing.location)}, not ${location}; set location to ${String(existing.location)}`,
          },
        ]);
      }
      return;
    }
    const body = {
      datasetReference: { projectId: this.datasetProject, datasetId: dataset },
      location,
      ...(kmsKeyName === undefined ? {} : { defaultEncryptionConfiguration: { kmsKeyName } }),
    };
    await this.request("datasets.insert", "POST", `${this.datasetProject}/datasets`, () =>
      this.raw({ method: "POST", uri: "/datasets", projectId: this.datasetProject, json: body }).catch(
        (error: { code?: number }) => {
          if (error.code !== 409) throw error;
          return {};
        },
      ),
    );
  }

  async tableMetadata(table: string): Promise<TableMetadata | undefined> {
    return this.request(
      "tables.get",
      "GET",
      `${this.datasetProject}/datasets/${this.#config.dataset}/tables/${table}`,
      () =>
        this.table(table)
          .getMetadata()
          .then(
            ([metadata]) => metadata as TableMetadata,
            (error: { code?: number }) => {
              if (error.code === 404) return undefined;
              throw error;
            },
          ),
    );
  }

  async createTable(table: string, body: Json): Promise<void> {
    const uri = `/datasets/${this.#config.dataset}/tables`;
    const json = {
      tableReference: { projectId: this.datasetProject, datasetId: this.#config.dataset, tableId: table },
      ...body,
    };
    await this.request("tables.insert", "POST", `${this.datasetProject}${uri}`, () =>
      this.raw({ method: "POST", uri, projectId: this.datasetProject, json }),
    );
  }

  async patchTable(table: string, body: Json): Promise<void> {
    const uri = `/datasets/${this.#config.dataset}/tables/${table}`;
    await this.request("tables.patch", "PATCH", `${this.datasetProject}${uri}`, () =>
      this.raw({ method: "PATCH", uri, projectId: this.datasetProject, json: body }),
    );
  }

  async deleteTable(table: string): Promise<void> {
    const uri = `/datasets/${this.#config.dataset}/tables/${table}`;
    await this.request("tables.delete", "DELETE", `${this.datasetProject}${uri}`, () =>
      this.raw({ method: "DELETE", uri, projectId: this.datasetProject }).catch((error: { code?: number }) => {
        if (error.code !== 404) throw error;
        return {};
      }),
    );
  }

  /**
   * Runs one job to completion, retrying transient failures with a new job ID. An insert that failed in transit may
   * still have created its job, so before trying again the sink looks the job up and, if it exists, waits for it
   * instead of running the work twice (which would duplicate appended rows).
   */
  runJob(operation: string, create: (jobId: string) => Promise<Job>): Promise<JobMetadata> {
    const base = `parley_${operation.replace(/\W/g, "_")}_${randomUUID().replaceAll("-", "")}`;
    const path = (attempt: number) =>
      `${this.#config.projectId}/jobs/${base}_${attempt}?location=${this.#config.location}`;
    return retrying(
      async (attempt) => {
        const jobId = `${base}_${attempt}`;
        let job: Job;
        try {
          job = await create(jobId);
        } catch (error) {
          const failure = asJobFailure(error);
          if (failure instanceof JobFailure || !(isRetryable(error) || (error as { code?: number }).code === 409))
            throw failure;
          const existing = await this.#existingJob(jobId);
          if (existing === undefined) throw error;
          job = existing;
        }
        return this.#wait(job);
      },
      {
        policy: this.#policy,
        retryOn: this.#retryOn(operation),
        giveUp: (error, attempt) => toParleyError(error, this.#context(operation, "POST", path(attempt), attempt)),
      },
    );
  }

  async #existingJob(jobId: string): Promise<Job | undefined> {
    const job = this.#bigquery().job(jobId, { location: this.#config.location });
    try {
      await job.getMetadata();
      return job;
    } catch (error) {
      if ((error as { code?: number }).code === 404) return undefined;
      throw error;
    }
  }

  async #wait(job: Job): Promise<JobMetadata> {
    let metadata = job.metadata as JobMetadata | undefined;
    let delay = 0;
    while (metadata?.status?.state !== "DONE") {
      await sleep(delay);
      delay = Math.min(Math.max(delay * 2, 100), 1000);
      // A failed poll says nothing about the job: ask again rather than run the work a second time.
      [metadata] = await this.request("jobs.get", "GET", `${this.#config.projectId}/jobs/${job.id}`, () =>
        job.getMetadata(),
      );
    }
    const { errorResult, errors } = metadata.status;
    if (errorResult) throw new JobFailure(String(job.id), errors ?? [errorResult]);
    return metadata;
  }

  /** Runs GoogleSQL (one statement or a script) as a query job in the dataset's location; bare table names resolve to the dataset. */
  script(operation: string, sql: string): Promise<JobMetadata> {
    return this.runJob(operation, (jobId) =>
      this.#bigquery()
        .createQueryJob({
          query: sql,
          useLegacySql: false,
          location: this.#config.location,
          jobId,
          defaultDataset: { projectId: this.datasetProject, datasetId: this.#config.dataset },
        })
        .then(([job]) => job),
    );
  }

  /** Runs a query and returns its rows normalised as the Sink contract promises. */
  async select(sql: string): Promise<Record<string, unknown>[]> {
    const metadata = await this.script("query", sql);
    const job = this.#bigquery().job(String(metadata.jobReference?.jobId), { location: this.#config.location });
    const rows: Record<string, unknown>[] = [];
    let pageToken: string | undefined;
    do {
      const [page, , response] = await this.request(
        "jobs.getQueryResults",
        "GET",
        `${this.#config.projectId}/queries/${job.id}`,
        () =>
          job.getQueryResults({
            autoPaginate: false,
            maxResults: 10_000,
            wrapIntegers: { integerTypeCastFunction: castInteger },
            ...(pageToken === undefined ? {} : { pageToken }),
          }),
      );
      const fields =
        (response as { schema?: { fields?: { name: string; type: string }[] } } | undefined)?.schema?.fields ?? [];
      refuseDuplicateColumns(fields.map((field) => field.name));
      for (const row of page as Record<string, unknown>[])
        rows.push(Object.fromEntries(fields.map((field) => [field.name, normaliseValue(field.type, row[field.name])])));
      pageToken = (response as { pageToken?: string } | undefined)?.pageToken;
    } while (pageToken !== undefined);
    return rows;
  }

  close(): void {
    this.#client = undefined;
    this.#dataset = undefined;
  }
}
