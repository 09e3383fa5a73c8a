import { createUltimateSource } from "@parley/connector-ultimate";
import { silentLogger } from "@parley/core";
import { runSync } from "@parley/runner";
import { createDuckdbSink } from "@parley/sink-duckdb";

/**
 * One Ultimate sync into a DuckDB file, in its own process so a test can SIGKILL it mid-file.
 * Argument: JSON `{settings, databasePath, now, batchRows, bulk}`. Prints a line per written batch.
 */
const { settings, databasePath, now, batchRows, bulk } = JSON.parse(process.argv[2] ?? "{}") as {
  settings: Record<string, unknown>;
  databasePath: string;
  now: string;
  batchRows: number;
  bulk?: boolean;
};
const result = await runSync({
  sourceName: "ultimate",
  source: createUltimateSource(settings as never),
  sink: createDuckdbSink({ path: databasePath, mapInSql: bulk === true }),
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
process.stdout.write(`done ${result.status}\n`);
process.exitCode = result.status === "succeeded" ? 0 : 1;
