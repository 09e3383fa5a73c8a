// Voicegain calls -> DuckDB, JSON and CSV pages, whole processes side by side in one run:
//   - the limit: the slower of (a) HTTP only: the same pages fetched and discarded, and (b) DuckDB's own
//     read_json / read_csv loading the same calls from disk;
//   - Parley: `parley sync -c <config>` against the emulator running in a process of its own;
//   - the peer: a plain dlt pipeline paging through the same API into DuckDB (bench/dlt/voicegain_pipeline.py).
// Sizes: BENCH_VOICEGAIN_CALLS (default 50000,200000; BENCH_QUICK: 5000); the dlt pipeline up to BENCH_DLT_MAX_CALLS
// (default 50000). Rate limiting off on both sides.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { runDlt } from "./dlt/dlt-pipeline.ts";
import { countRows } from "./support/count-rows.ts";
import type { VoicegainReady } from "./support/emulator-process.ts";
import { measureProcess, startHelper } from "./support/measure.ts";
import { parleySync } from "./support/parley-sync.ts";
import { type BenchRow, printProgress, printTable, sizes } from "./support/table.ts";
import { voicegainRange } from "./support/voicegain-range.ts";

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));
const perPage = 10_000;
const dltMaxCalls = Number(process.env.BENCH_DLT_MAX_CALLS ?? 50_000);
const rows: BenchRow[] = [];
const add = (row: BenchRow): void => {
  rows.push(row);
  printProgress(row);
};

const directory = await mkdtemp(join(tmpdir(), "parley-bench-voicegain-"));
try {
  for (const calls of sizes("BENCH_VOICEGAIN_CALLS", [50_000, 200_000], [5_000])) {
    const files = join(directory, `calls-${calls}`);
    const emulator = await startHelper<VoicegainReady>([
      here("support/emulator-process.ts"),
      "voicegain",
      JSON.stringify({ seed: 1, callCount: calls, inFlight: 0, rateLimits: false }),
      files,
      String(perPage),
    ]);
    try {
      const { apiUrl, token, pageEnds } = emulator.info;
      for (const format of ["json", "csv"] as const) {
        const work = `Voicegain ${calls / 1000}k calls ${format}`;
        const megabytes = emulator.info.bytes[format] / 1e6;
        const http = await measureProcess(process.execPath, [
          here("support/http-pages.ts"),
          apiUrl,
          token,
          format,
          String(perPage),
          JSON.stringify(pageEnds),
        ]);
        add({ work, variant: "HTTP only, pages discarded", records: calls, megabytes, figures: http });
        const reader = await measureProcess(process.execPath, [
          here("support/duckdb-native.ts"),
          format,
          emulator.info.files[format],
          join(directory, `native-${calls}-${format}.duckdb`),
        ]);
        add({ work, variant: `DuckDB read_${format}, file on disk`, records: calls, megabytes, figures: reader });
        const limit = http.seconds > reader.seconds ? http : reader;

        const parleyDatabase = join(directory, `parley-${calls}-${format}.duckdb`);
        const parley = await parleySync(join(directory, "parley-voicegain.yaml"), {
          sink: { type: "duckdb", path: parleyDatabase },
          sources: {
            voicegain: {
              type: "voicegain",
              baseUrl: apiUrl,
              token,
              fromTime: voicegainRange.fromTime,
              format,
              perPage,
              rateLimit: false,
              timeZone: "America/Chicago",
            },
          },
        });
        const loaded = await countRows(parleyDatabase, "voicegain_calls");
        add({
          work,
          variant: `parley sync, emulator (${loaded} rows)`,
          records: calls,
          megabytes,
          figures: parley,
          limit,
        });

        if (calls > dltMaxCalls) {
          console.log(`  ${work} | dlt pipeline: skipped above BENCH_DLT_MAX_CALLS=${dltMaxCalls}`);
          continue;
        }
        const dlt = await runDlt(
          "voicegain_pipeline.py",
          [apiUrl, token, format, String(perPage), join(directory, `dlt-${calls}-${format}.duckdb`)],
          directory,
        );
        if (dlt instanceof Error) console.log(`  ${dlt.message}`);
        else
          add({
            work,
            variant: `dlt pipeline, emulator (${dlt.rows} rows)`,
            records: calls,
            megabytes,
            figures: dlt.figures,
            limit,
          });
      }
    } finally {
      await emulator.stop();
    }
  }
  printTable(
    `Voicegain calls -> DuckDB, ${perPage} calls per page (Node ${process.version}; each row one whole process; the limit is the slower of HTTP only and DuckDB's reader)`,
    rows,
  );
} finally {
  await rm(directory, { recursive: true, force: true });
}
