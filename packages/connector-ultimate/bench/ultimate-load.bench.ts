// Loads one large Ultimate day file into DuckDB three ways, each in its own child process so peak RSS is
// comparable: DuckDB's own read_json over the file on disk (the practical limit), this connector reading the
// same day from the emulator (API mode: signed URL, streaming download) through the runner engine and the
// DuckDB sink, and the connector's local-files mode over the file on disk (the emulator's CPU left out).
// Run from the package folder: node --conditions=@parley/source bench/ultimate-load.bench.ts [sizeMB]
// (default 100). Not a test: figures vary between runs; compare ratios from one run.
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { silentLogger } from "@parley/core";
import { createUltimateEmulator, UltimateGenerator } from "@parley/sandbox/ultimate";
import { createUltimateSource } from "../src/index.ts";

// The sink and the engine are not dependencies of this package (connectors never import them); the bench
// reaches them by path, and DuckDB through the sink's own dependency.
const { createDuckdbSink } = (await import(
  "../../sink-duckdb/src/index.ts"
)) as typeof import("../../sink-duckdb/src/index.ts");
const { runSync } = (await import(
  "../../../apps/runner/src/index.ts"
)) as typeof import("../../../apps/runner/src/index.ts");

const self = fileURLToPath(import.meta.url);
const day = "2024-06-19";
const now = "2024-06-20T09:00:00Z";
const bytesPerConversation = 2600;
type Format = "array" | "ndjson";

interface Figures {
  readonly seconds: number;
  readonly records: number;
  readonly maxRssMb: number;
}

function emulatorOptions(conversations: number, format: Format) {
  return { seed: 3, now, bots: 1, conversationsPerDay: conversations, filesPerDay: 1, fileFormat: format } as const;
}

const finish = (started: number, records: number): void => {
  const figures: Figures = {
    seconds: (performance.now() - started) / 1000,
    records,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
  };
  process.stdout.write(`RESULT ${JSON.stringify(figures)}\n`);
};

/** Child: DuckDB's own reader, the file straight from disk into a table. */
async function native(file: string, format: Format, database: string): Promise<void> {
  const require = createRequire(new URL("../../sink-duckdb/package.json", import.meta.url));
  const { DuckDBInstance } = (await import(require.resolve("@duckdb/node-api"))) as typeof import("@duckdb/node-api");
  const started = performance.now();
  const instance = await DuckDBInstance.create(database);
  const connection = await instance.connect();
  const json = format === "array" ? "array" : "newline_delimited";
  await connection.run(
    `CREATE TABLE conversations AS SELECT * FROM read_json('${file}', format = '${json}', maximum_object_size = 268435456)`,
  );
  const count = await connection.runAndReadAll("SELECT COUNT(*) AS n FROM conversations");
  connection.closeSync();
  instance.closeSync();
  finish(started, Number(count.getRowObjects()[0]?.n));
}

/** Child: this connector through the runner engine into the DuckDB sink, from the emulator or from the file. */
async function connector(settings: Record<string, unknown>, database: string): Promise<void> {
  const started = performance.now();
  const sink = createDuckdbSink({ path: database });
  const result = await runSync({
    sourceName: "ultimate",
    source: createUltimateSource(settings as never),
    sink,
    tablePrefix: "ultimate",
    logger: silentLogger,
    now: () => new Date(now),
    ...(process.env.BENCH_BATCH === undefined ? {} : { batchRows: Number(process.env.BENCH_BATCH) }),
  });
  await sink.close();
  if (result.status !== "succeeded") throw result.error;
  finish(started, result.streams[0]?.records ?? 0);
}

/** Child: the emulator, serving until killed. */
async function serve(conversations: number, format: Format): Promise<void> {
  const emulator = await createUltimateEmulator(emulatorOptions(conversations, format));
  const settings = {
    organizationId: emulator.organizationId,
    botIds: [emulator.bots[0]?.id],
    token: emulator.apiKey,
    baseUrl: emulator.url,
    startDate: day,
    lookbackDays: 0,
  };
  process.stdout.write(`SETTINGS ${JSON.stringify(settings)}\n`);
}

function run(args: readonly string[]): { child: ChildProcess; line: (prefix: string) => Promise<string> } {
  const child = spawn(process.execPath, ["--conditions=@parley/source", self, ...args], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  const line = async (prefix: string): Promise<string> => {
    for (;;) {
      const match = new RegExp(`^${prefix} (.*)$`, "m").exec(output);
      if (match) return match[1] as string;
      if (child.exitCode !== null) throw new Error(`child ${args[0]} exited without ${prefix}: ${output}`);
      await Promise.race([once(child.stdout as NodeJS.ReadableStream, "data"), once(child, "exit")]);
    }
  };
  return { child, line };
}

async function measure(args: readonly string[]): Promise<Figures> {
  const { child, line } = run(args);
  const figures = JSON.parse(await line("RESULT")) as Figures;
  await once(child, "exit");
  return figures;
}

async function main(): Promise<void> {
  const sizeMb = Number(process.argv[2] ?? 100);
  const conversations = Math.round((sizeMb * 1e6) / bytesPerConversation);
  const directory = await mkdtemp(join(tmpdir(), "parley-ultimate-bench-"));
  console.log(
    `Ultimate day file -> DuckDB, ~${sizeMb} MB (${conversations.toLocaleString("en-US")} conversations), Node ${process.version}`,
  );
  console.log("variant                          | format | wall s | records/s | MB/s  | % of native | peak RSS MB");
  try {
    for (const format of ["array", "ndjson"] as const) {
      const generator = new UltimateGenerator(emulatorOptions(conversations, format));
      const file = join(directory, `conversation_${generator.bots[0]?.id}_20240619_000000000000.json`);
      const { createWriteStream } = await import("node:fs");
      const { pipeline } = await import("node:stream/promises");
      const { Readable } = await import("node:stream");
      const { fileByteChunks } = await import("@parley/sandbox/ultimate");
      const plan = generator.plan(generator.bots[0]?.id as string, day);
      let bytes = 0;
      await pipeline(
        Readable.from(
          (function* () {
            for (const chunk of fileByteChunks({ generator, plan, version: "v3", format })) {
              bytes += chunk.length;
              yield chunk;
            }
          })(),
        ),
        createWriteStream(file),
      );
      const megabytes = bytes / 1e6;
      const row = (name: string, figures: Figures, base?: Figures) =>
        console.log(
          `${name.padEnd(32)} | ${format.padEnd(6)} | ${figures.seconds.toFixed(1).padStart(6)} | ${Math.round(
            figures.records / figures.seconds,
          )
            .toLocaleString("en-US")
            .padStart(
              9,
            )} | ${(megabytes / figures.seconds).toFixed(0).padStart(5)} | ${base === undefined ? "    100" : ((100 * base.seconds) / figures.seconds).toFixed(0).padStart(7)}     | ${figures.maxRssMb.toFixed(0).padStart(6)}`,
        );
      const base = await measure(["native", file, format, join(directory, `native-${format}.duckdb`)]);
      row("DuckDB read_json (limit)", base);
      const emulator = run(["serve", String(conversations), format]);
      try {
        const settings = await emulator.line("SETTINGS");
        const fromApi = await measure(["connector", settings, join(directory, `api-${format}.duckdb`)]);
        row("connector, emulator (API)", fromApi, base);
      } finally {
        emulator.child.kill();
      }
      const fromFile = await measure([
        "connector",
        JSON.stringify({ files: file }),
        join(directory, `files-${format}.duckdb`),
      ]);
      row("connector, local file", fromFile, base);
      await rm(file, { force: true });
    }
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

const [variant, ...args] = process.argv.slice(2);
if (variant === "native") await native(args[0] as string, args[1] as Format, args[2] as string);
else if (variant === "connector")
  await connector(JSON.parse(args[0] as string) as Record<string, unknown>, args[1] as string);
else if (variant === "serve") await serve(Number(args[0]), args[1] as Format);
else await main();
