// Ultimate day file -> DuckDB, whole processes side by side in one run:
//   - the limit: DuckDB's own read_json over the day file on disk (a user's one-line script);
//   - Parley: `parley sync -c <config>` reading the same day from the emulator (signed URL, streaming download),
//     the emulator running in a process of its own; and once from the day file on disk (local-files mode), which
//     shows what the download costs;
//   - the peer: a plain dlt pipeline loading the same day file into DuckDB (bench/dlt/ultimate_pipeline.py).
// Sizes: BENCH_ULTIMATE_MB (comma-separated, default 100,300,1000; BENCH_QUICK: 10). The dlt pipeline runs for days up
// to BENCH_DLT_MAX_MB (default 100): it took ~3 minutes and 2.5 GB at 100 MB here, and grows with the day.
// Not a test: compare ratios from one run.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { runDlt } from "./dlt/dlt-pipeline.ts";
import { countRows } from "./support/count-rows.ts";
import type { UltimateReady } from "./support/emulator-process.ts";
import { measureProcess, startHelper } from "./support/measure.ts";
import { parleySync } from "./support/parley-sync.ts";
import { type BenchRow, printProgress, printTable, sizes } from "./support/table.ts";

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));
const bytesPerConversation = 2600;
const dltMaxMb = Number(process.env.BENCH_DLT_MAX_MB ?? 100);
const rows: BenchRow[] = [];
const add = (row: BenchRow): void => {
  rows.push(row);
  printProgress(row);
};

const directory = await mkdtemp(join(tmpdir(), "parley-bench-ultimate-"));
try {
  for (const sizeMb of sizes("BENCH_ULTIMATE_MB", [100, 300, 1000], [10])) {
    for (const format of ["array", "ndjson"] as const) {
      const conversations = Math.round((sizeMb * 1e6) / bytesPerConversation);
      const file = join(directory, `day-${sizeMb}-${format}.json`);
      const options = {
        seed: 3,
        now: "2024-06-20T09:00:00Z",
        bots: 1,
        conversationsPerDay: conversations,
        filesPerDay: 1,
        fileFormat: format,
      };
      const emulator = await startHelper<UltimateReady>([
        here("support/emulator-process.ts"),
        "ultimate",
        JSON.stringify(options),
        file,
      ]);
      try {
        const { records, bytes } = emulator.info;
        const work = `Ultimate ${sizeMb} MB ${format}`;
        const megabytes = bytes / 1e6;
        const limit = await measureProcess(process.execPath, [
          here("support/duckdb-native.ts"),
          format === "array" ? "json" : "ndjson",
          file,
          join(directory, `native-${sizeMb}-${format}.duckdb`),
        ]);
        add({ work, variant: "DuckDB read_json, file on disk", records, megabytes, figures: limit });

        // The default (the bulk path: DuckDB reads the raw records), then every record mapped in JavaScript.
        for (const mapInSql of [true, false]) {
          const parleyDatabase = join(directory, `parley-${sizeMb}-${format}-${mapInSql}.duckdb`);
          const parley = await parleySync(join(directory, "parley-ultimate.yaml"), {
            sink: { type: "duckdb", path: parleyDatabase, mapInSql },
            sources: { ultimate: emulator.info.settings },
          });
          const loaded = await countRows(parleyDatabase, "ultimate_conversations");
          const variant = `parley sync, emulator${mapInSql ? "" : ", mapInSql: false"} (${loaded} rows)`;
          add({ work, variant, records, megabytes, figures: parley, limit });
        }
        // The default again, reading the same day file from disk (the connector's local-files mode): its difference
        // to the emulator row is what the download costs.
        const localDatabase = join(directory, `parley-${sizeMb}-${format}-local.duckdb`);
        const local = await parleySync(join(directory, "parley-ultimate-local.yaml"), {
          sink: { type: "duckdb", path: localDatabase },
          sources: { ultimate: { type: "ultimate", files: [file] } },
        });
        const localRows = await countRows(localDatabase, "ultimate_conversations");
        const localVariant = `parley sync, file on disk (${localRows} rows)`;
        add({ work, variant: localVariant, records, megabytes, figures: local, limit });

        if (sizeMb > dltMaxMb) {
          console.log(`  ${work} | dlt pipeline: skipped above BENCH_DLT_MAX_MB=${dltMaxMb}`);
          continue;
        }
        const dlt = await runDlt(
          "ultimate_pipeline.py",
          [file, format, join(directory, `dlt-${sizeMb}-${format}.duckdb`)],
          directory,
        );
        if (dlt instanceof Error) console.log(`  ${dlt.message}`);
        else
          add({
            work,
            variant: `dlt pipeline, file on disk (${dlt.rows} rows)`,
            records,
            megabytes,
            figures: dlt.figures,
            limit,
          });
      } finally {
        await emulator.stop();
        await rm(file, { force: true });
      }
    }
  }
  printTable(`Ultimate day file -> DuckDB (Node ${process.version}; each row one whole process)`, rows);
} finally {
  await rm(directory, { recursive: true, force: true });
}
