import { createUltimateSource } from "@parley/connector-ultimate";
import { type Sink, silentLogger, type WriteBatch } from "@parley/core";
import { runSync } from "@parley/runner";
import { createDuckdbSink } from "@parley/sink-duckdb";

/**
 * One Ultimate sync into a DuckDB file, in its own process so a test can SIGKILL it mid-file.
 * Argument: JSON `{settings, databasePath, now, batchRows, bulk, failAtWrite}`. Prints a line per written batch;
 * with `failAtWrite`, that write (1-based) fails as a sink's write can (a full disk, a lost lock).
 */
const { settings, databasePath, now, batchRows, bulk, failAtWrite } = JSON.parse(process.argv[2] ?? "{}") as {
  settings: Record<string, unknown>;
  databasePath: string;
  now: string;
  batchRows: number;
  bulk?: boolean;
  failAtWrite?: number;
};
const duckdb = createDuckdbSink({ path: databasePath, mapInSql: bulk === true });
let writes = 0;
const failing = (batch: WriteBatch) => {
  writes += 1;
  if (writes === failAtWrite) return Promise.reject(new Error(`write ${writes} failed on purpose`));
  return duckdb.writeBatch(batch);
};
const sink: Sink =
  failAtWrite === undefined
    ? duckdb
    : new Proxy(duckdb, {
        get: (target, key) => {
          if (key === "writeBatch") return failing;
          const value = Reflect.get(target, key, target);
          return typeof value === "function" ? value.bind(target) : value;
        },
      });
const result = await runSync({
  sourceName: "ultimate",
  source: createUltimateSource(settings as never),
  sink,
  tablePrefix: "ultimate",
  batchRows,
  // The bulk path counts its batches in bytes: about as many records as `batchRows`.
  rawBatchBytes: batchRows * 2_000,
  ...(bulk === undefined ? {} : { bulk }),
  flushIntervalMs: 0,
  logger: silentLogger,
  now: () => new Date(now),
  onProgress: (event) => {
    if (event.kind === "flushed") process.stdout.write(`flushed rows=${event.rows} state=${event.withState}\n`);
  },
});
process.stdout.write(`done ${result.status}${result.status === "failed" ? `: ${String(result.error)}` : ""}\n`);
process.exitCode = result.status === "succeeded" ? 0 : 1;
