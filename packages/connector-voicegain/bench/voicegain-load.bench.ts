// Load benchmark (not a test): 200,000 calls from the Voicegain emulator into DuckDB, JSON and CSV side by side,
// against two limits on the same machine in the same run:
//   1. HTTP only: the same pages requested with undici, bodies read and discarded (no parsing, no loading);
//   2. DuckDB's own readers (read_json / read_csv) loading the same calls from files on disk.
// The connector runs through the runner's sync engine (imported by path: a bench may, the package may not), with
// 50,000-row batches and a checkpoint per page, into a DuckDB file. Rate limiting is off on both sides.
// The emulator runs in a worker thread, as a real API runs elsewhere: its own work (building and encoding pages) does
// not compete with the client on the main thread, for the limits and for the connector alike.
//
//   cd packages/connector-voicegain && node --conditions=@parley/source bench/voicegain-load.bench.ts
//   (CALLS=50000 PER_PAGE=1000 to change the size)
import { mkdtemp, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import { createRecordValidator, silentLogger } from "@parley/core";
import { createVoicegainEmulator } from "@parley/sandbox/voicegain";
import type { Dispatcher } from "undici";
import { runSync } from "../../../apps/runner/src/engine/sync-engine.ts";
import { createDuckdbSink } from "../../sink-duckdb/src/index.ts";
import { callsStream, voicegainConfigSchema, voicegainSourceFactory } from "../src/index.ts";

// undici is core's dependency, not this package's: load core's copy for the HTTP-only limit.
const undici = createRequire(new URL("../../core/package.json", import.meta.url))("undici") as typeof import("undici");

const callCount = Number(process.env.CALLS ?? 200_000);
const perPage = Number(process.env.PER_PAGE ?? 10_000);
const checkpoints = [50_000, callCount];
const megabytes = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const rate = (records: number, milliseconds: number): number => Math.round((records / milliseconds) * 1000);

interface EmulatorInfo {
  apiUrl: string;
  token: string;
  /** The callId ending each page of `perPage` calls: the afterCallId of the next consecutive request. */
  pageEnds: string[];
  files: { json: string; csv: string };
}

if (!isMainThread) {
  const { directory } = workerData as { directory: string };
  const emulator = await createVoicegainEmulator({ seed: 1, callCount, inFlight: 0, rateLimits: false });
  const ids = emulator.calls().map((call) => call.callId);
  const files = await emulator.writeFiles(directory);
  const pageEnds = ids.filter((_, index) => (index + 1) % perPage === 0);
  parentPort?.postMessage({ apiUrl: emulator.apiUrl, token: emulator.token, pageEnds, files } satisfies EmulatorInfo);
  parentPort?.once("message", () => void emulator.close().then(() => process.exit(0)));
} else {
  await main();
}

async function main(): Promise<void> {
  const directory = await mkdtemp(join(tmpdir(), "parley-voicegain-bench-"));
  const started = performance.now();
  const worker = new Worker(new URL(import.meta.url), { workerData: { directory } });
  const voicegain = await new Promise<EmulatorInfo>((resolve, reject) => {
    worker.once("message", resolve);
    worker.once("error", reject);
  });
  console.log(
    `emulator (worker thread): ${callCount} calls and their files ready in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );

  /** Limit 1: the consecutive pages the connector requests, fetched with undici and thrown away. */
  async function httpOnly(format: "json" | "csv"): Promise<{ records: number; milliseconds: number; bytes: number }> {
    const agent = new undici.Agent({ keepAliveTimeout: 30_000 });
    const begin = performance.now();
    let bytes = 0;
    for (const afterCallId of ["0", ...voicegain.pageEnds]) {
      const url = new URL(`${voicegain.apiUrl}/sa/call`);
      url.search = new URLSearchParams({
        format,
        consecutive: "true",
        afterCallId,
        page: "1",
        per_page: String(perPage),
      }).toString();
      const response = await undici.request(url, {
        headers: { authorization: `Bearer ${voicegain.token}` },
        dispatcher: agent as Dispatcher,
      });
      for await (const chunk of response.body) bytes += (chunk as Buffer).length;
    }
    const milliseconds = performance.now() - begin;
    await agent.close();
    return { records: callCount, milliseconds, bytes };
  }

  /** Limit 2: DuckDB's own reader loading the same calls from the emulator's files. */
  async function duckdbReader(
    format: "json" | "csv",
    path: string,
  ): Promise<{ records: number; milliseconds: number }> {
    const sink = createDuckdbSink({ path: join(directory, `reader-${format}.duckdb`) });
    const reader =
      format === "json"
        ? `read_json('${path}', format = 'array', maximum_object_size = 1000000)`
        : `read_csv('${path}', header = true)`;
    const begin = performance.now();
    await sink.execute(`CREATE OR REPLACE TABLE calls AS SELECT * FROM ${reader}`);
    const milliseconds = performance.now() - begin;
    const [count] = await sink.query("SELECT COUNT(*) AS n FROM calls");
    await sink.close();
    return { records: Number(count?.n), milliseconds };
  }

  /** The connector alone: pages read, parsed, mapped and validated as the engine does, rows then dropped. */
  async function connectorOnly(format: "json" | "csv") {
    const settings = {
      token: voicegain.token,
      baseUrl: voicegain.apiUrl,
      format,
      perPage,
      timeZone: "America/Chicago",
      rateLimit: false,
    };
    const source = voicegainSourceFactory.create(voicegainConfigSchema.parse(settings));
    const validate = createRecordValidator(callsStream);
    const rss: Record<number, number> = {};
    let records = 0;
    const begin = performance.now();
    const context = {
      state: new Map(),
      streams: new Set(["calls"]),
      logger: silentLogger,
      signal: new AbortController().signal,
      progress: () => {},
      now: () => new Date(),
    };
    for await (const message of source.read(context)) {
      if (message.kind !== "record" || !validate(message.record).ok) continue;
      records += 1;
      if (checkpoints.includes(records)) rss[records] = process.memoryUsage().rss;
    }
    const milliseconds = performance.now() - begin;
    await source.close();
    return { records, milliseconds, rss };
  }

  /** The connector through the sync engine into a fresh DuckDB file. */
  async function connector(format: "json" | "csv") {
    const sink = createDuckdbSink({ path: join(directory, `connector-${format}.duckdb`) });
    const settings = {
      token: voicegain.token,
      baseUrl: voicegain.apiUrl,
      format,
      perPage,
      timeZone: "America/Chicago",
      rateLimit: false,
    };
    const source = voicegainSourceFactory.create(voicegainConfigSchema.parse(settings));
    const rss: Record<number, number> = {};
    let peak = 0;
    const begin = performance.now();
    const result = await runSync({
      sourceName: "voicegain",
      source,
      sink,
      tablePrefix: "voicegain",
      logger: silentLogger,
      batchRows: 50_000,
      onProgress: (event) => {
        if (event.kind !== "records") return;
        const current = process.memoryUsage().rss;
        peak = Math.max(peak, current);
        for (const mark of checkpoints) if (event.records === mark) rss[mark] = current;
      },
    });
    const milliseconds = performance.now() - begin;
    if (result.status !== "succeeded") throw result.error;
    const [count] = await sink.query("SELECT COUNT(*) AS n FROM voicegain_calls");
    await sink.close();
    return { records: Number(count?.n), milliseconds, rss, peak };
  }

  const files = voicegain.files;
  const at = (rss: Record<number, number>) =>
    checkpoints
      .map((mark) => `${mark.toLocaleString("en-US")}: ${rss[mark] === undefined ? "n/a" : megabytes(rss[mark])}`)
      .join(", ");
  const table: Record<string, Record<"json" | "csv", string>> = {};
  const put = (label: string, format: "json" | "csv", value: string) => {
    table[label] ??= { json: "", csv: "" };
    (table[label] as Record<"json" | "csv", string>)[format] = value;
  };
  for (const format of ["json", "csv"] as const) {
    const http = await httpOnly(format);
    const reader = await duckdbReader(format, format === "json" ? files.json : files.csv);
    const alone = await connectorOnly(format);
    const loaded = await connector(format);
    for (const [what, count] of [
      ["reader", reader.records],
      ["connector alone", alone.records],
      ["connector", loaded.records],
    ] as const) {
      if (count !== callCount) throw new Error(`${format}: ${what} gave ${count} records, expected ${callCount}`);
    }
    const slower = Math.min(rate(callCount, http.milliseconds), rate(callCount, reader.milliseconds));
    const percent = (milliseconds: number) => `${((rate(callCount, milliseconds) / slower) * 100).toFixed(0)}%`;
    put("body size", format, `${(http.bytes / 1024 / 1024).toFixed(0)} MB`);
    put("limit 1: HTTP only, bodies discarded (records/s)", format, String(rate(callCount, http.milliseconds)));
    put(
      "limit 2: DuckDB read_json/read_csv from disk (records/s)",
      format,
      String(rate(callCount, reader.milliseconds)),
    );
    put("connector alone: read, parse, map, validate (records/s)", format, String(rate(callCount, alone.milliseconds)));
    put("connector alone / slower limit", format, percent(alone.milliseconds));
    put("connector -> sync engine -> DuckDB sink (records/s)", format, String(rate(callCount, loaded.milliseconds)));
    put("connector -> DuckDB / slower limit", format, percent(loaded.milliseconds));
    put("RSS, connector alone", format, at(alone.rss));
    put("RSS, connector -> DuckDB", format, `${at(loaded.rss)}; peak ${megabytes(loaded.peak)}`);
  }
  const rows = [
    ["", "JSON", "CSV"],
    ...Object.entries(table).map(([label, values]) => [label, values.json, values.csv]),
  ];
  const widths = [0, 1, 2].map((column) => Math.max(...rows.map((line) => (line[column] ?? "").length)));
  console.log(
    `\n${callCount.toLocaleString("en-US")} calls, per_page ${perPage}, rate limiting off, Node ${process.version}`,
  );
  for (const line of rows) console.log(line.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join("  "));
  worker.postMessage("close");
  await new Promise((resolve) => worker.once("exit", resolve));
  await rm(directory, { recursive: true, force: true });
}
