import { createVoicegainSource } from "@parley/connector-voicegain";
import { silentLogger } from "@parley/core";
import { runSync } from "@parley/runner";
import { createDuckdbSink } from "@parley/sink-duckdb";

/**
 * One Voicegain sync into a DuckDB file, in its own process so a test can SIGKILL it mid-export.
 * Argument: JSON `{settings, databasePath, batchRows, bulk}`. Prints a line per written batch.
 */
const { settings, databasePath, batchRows, bulk } = JSON.parse(process.argv[2] ?? "{}") as {
  settings: Record<string, unknown>;
  databasePath: string;
  batchRows: number;
  bulk: boolean;
};
const result = await runSync({
  sourceName: "voicegain",
  source: createVoicegainSource(settings as never),
  sink: createDuckdbSink({ path: databasePath, mapInSql: bulk }),
  tablePrefix: "voicegain",
  batchRows,
  // The bulk path counts its batches in bytes: about as many calls as `batchRows`.
  rawBatchBytes: batchRows * 2_000,
  bulk,
  flushIntervalMs: 0,
  logger: silentLogger,
  onProgress: (event) => {
    if (event.kind === "flushed") process.stdout.write(`flushed rows=${event.rows} state=${event.withState}\n`);
  },
});
process.stdout.write(`done ${result.status}\n`);
process.exitCode = result.status === "succeeded" ? 0 : 1;
