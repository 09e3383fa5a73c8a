// Loads 1,000,000 conversation-like rows with the sink (merge, 50k rows per batch) and, in the same run, the
// same rows as a TEXT file with `psql \copy` into a plain table: the practical limit. Prints rows/s, the
// ratio and peak RSS. Run from the package folder: node --conditions=@parley/source bench/postgres-load.bench.ts
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { createWriteStream, statSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { lineageColumns, type Sink, type StreamDefinition, type TableTarget, type ValidatedRow } from "@parley/core";
import { createPostgresSink } from "../src/index.ts";
import { createRowEncoder } from "../src/postgres-copy.ts";

const totalRows = Number(process.env.BENCH_ROWS ?? 1_000_000);
const batchRows = Number(process.env.BENCH_BATCH ?? 50_000);
const server = { host: "127.0.0.1", port: 5432, database: "test", user: "postgres" };
const schema = `parley_bench_${randomBytes(4).toString("hex")}`;
const loadId = "bench-load";
const loadedAt = "2026-01-02T03:04:05.000Z";

const stream = {
  name: "conversations",
  writeDisposition: "merge",
  primaryKey: ["id"],
  columns: [
    { name: "id", type: "string", nullable: false },
    { name: "bot_id", type: "string" },
    { name: "customer_id", type: "string" },
    { name: "started_at", type: "timestamp" },
    { name: "ended_at", type: "timestamp" },
    { name: "day", type: "date" },
    { name: "duration_seconds", type: "integer" },
    { name: "turns", type: "integer" },
    { name: "sentiment", type: "float" },
    { name: "resolved", type: "boolean" },
    { name: "channel", type: "string" },
    { name: "language", type: "string" },
    { name: "intents", type: "json" },
  ],
} as const satisfies StreamDefinition;

let seed = 42;
function random(): number {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
const intentNames = [
  "Greeting",
  "Refund",
  "Order status",
  "Cancel order",
  "Change address",
  "Talk to agent",
  "Goodbye",
];
const start = Date.parse("2025-06-01T00:00:00Z");

function makeRow(index: number): ValidatedRow {
  const startedAt = start + Math.floor(random() * 86_400_000 * 180);
  const duration = 20 + Math.floor(random() * 1800);
  const micros = String(Math.floor(random() * 1000)).padStart(3, "0");
  return {
    id: `conv-${index.toString(16).padStart(8, "0")}-${Math.floor(random() * 1e9).toString(36)}`,
    bot_id: pick(["6b1f2c", "a93e07", "c4d5e6"]),
    customer_id: `cust-${Math.floor(random() * 200_000)}`,
    started_at: `${new Date(startedAt).toISOString().slice(0, 23)}${micros}Z`,
    ended_at: new Date(startedAt + duration * 1000).toISOString(),
    day: new Date(startedAt).toISOString().slice(0, 10),
    duration_seconds: duration,
    turns: 1 + Math.floor(random() * 40),
    sentiment: Math.round((random() * 2 - 1) * 1000) / 1000,
    resolved: random() < 0.7,
    channel: pick(["chat", "voice", "email"]),
    language: pick(["en", "de", "fr", "es"]),
    intents: Array.from({ length: 1 + Math.floor(random() * 3) }, () => ({
      name: pick(intentNames),
      confidence: Math.round(random() * 100) / 100,
    })),
  };
}

function* batches(): Generator<ValidatedRow[]> {
  seed = 42;
  for (let first = 0; first < totalRows; first += batchRows) {
    yield Array.from({ length: Math.min(batchRows, totalRows - first) }, (_, offset) => makeRow(first + offset));
  }
}

function psql(command: string): string {
  return execFileSync(
    "psql",
    ["-h", server.host, "-U", server.user, "-d", server.database, "-v", "ON_ERROR_STOP=1", "-Atc", command],
    { encoding: "utf8" },
  );
}

const megabytes = (bytes: number): string => `${Math.round(bytes / 2 ** 20)} MB`;
const rate = (rows: number, seconds: number): string =>
  `${Math.round(rows / seconds).toLocaleString("en")} rows/s (${seconds.toFixed(1)} s)`;

async function writeTextFile(path: string): Promise<void> {
  const out = createWriteStream(path);
  const encode = createRowEncoder(stream.columns, [loadId, loadedAt]);
  for (const rows of batches()) {
    if (!out.write(rows.map(encode).join(""))) await once(out, "drain");
  }
  out.end();
  await once(out, "finish");
}

function timedPsqlCopy(table: string, file: string): number {
  psql("CHECKPOINT"); // each load starts without the previous one's dirty pages to write
  const started = performance.now();
  psql(`\\copy "${schema}".${table} from '${file}'`);
  return (performance.now() - started) / 1000;
}

/** Loads every batch with the sink; returns the seconds spent in writeBatch and this process's CPU seconds in it. */
async function loadWithSink(sink: Sink, target: TableTarget): Promise<{ seconds: number; cpu: number }> {
  psql("CHECKPOINT");
  let seconds = 0;
  let cpu = 0;
  for (const rows of batches()) {
    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    const state = { source: "bench", stream: "conversations", version: 1, value: { rows: rows.length } };
    await sink.writeBatch({ loadId, loadedAt, source: "bench", target, rows, rejects: [], state });
    const used = process.cpuUsage(cpuBefore);
    cpu += (used.user + used.system) / 1e6;
    seconds += (performance.now() - started) / 1000;
  }
  return { seconds, cpu };
}

const directory = await mkdtemp(join(tmpdir(), "parley-pg-bench-"));
const sink = createPostgresSink({ ...server, schema });
try {
  const target = { table: "conversations", stream };
  await sink.prepare([target]);
  const types = {
    string: "text",
    integer: "bigint",
    float: "double precision",
    boolean: "boolean",
    timestamp: "timestamptz",
    date: "date",
    json: "jsonb",
  };
  const columns = [...stream.columns, ...lineageColumns]
    .map((column) => `"${column.name}" ${types[column.type]}`)
    .join(", ");
  psql(`CREATE TABLE "${schema}".plain_copy (${columns})`);
  // Not the limit, but it shows how much of the gap is the primary key that merge needs.
  psql(`CREATE TABLE "${schema}".keyed_copy (${columns}, PRIMARY KEY (id))`);

  // The sink loads first, so its peak RSS is not the text file's generation.
  const inserted = await loadWithSink(sink, target);
  const sinkPeakRss = process.resourceUsage().maxRSS * 1024;
  const updated = process.env.BENCH_UPDATE === "1" ? await loadWithSink(sink, target) : undefined;
  const file = join(directory, "rows.txt");
  await writeTextFile(file);
  const psqlSeconds = timedPsqlCopy("plain_copy", file);
  const keyedSeconds = timedPsqlCopy("keyed_copy", file);
  const [check] = await sink.query(`SELECT COUNT(*) AS n FROM "${schema}".conversations`);
  if (check?.n !== totalRows) throw new Error(`expected ${totalRows} rows, found ${String(check?.n)}`);

  console.log(
    `rows: ${totalRows.toLocaleString("en")}, batch: ${batchRows.toLocaleString("en")}, file: ${megabytes(statSync(file).size)}`,
  );
  console.log(`psql \\copy, text, plain table (the limit): ${rate(totalRows, psqlSeconds)}`);
  console.log(`psql \\copy, text, table with the primary key:  ${rate(totalRows, keyedSeconds)}`);
  const summary = (label: string, load: { seconds: number; cpu: number }): string =>
    `${label}${rate(totalRows, load.seconds)}, ${load.cpu.toFixed(1)} s CPU in this process`;
  console.log(summary("sink, merge into the empty table:              ", inserted));
  if (updated !== undefined) console.log(summary("sink, merge of the same rows again (updates):   ", updated));
  const percent = (seconds: number): string => `${((seconds / inserted.seconds) * 100).toFixed(1)}%`;
  console.log(`ratio: ${percent(psqlSeconds)} of psql \\copy (${percent(keyedSeconds)} of the keyed copy)`);
  console.log(
    `peak RSS during the sink's load: ${megabytes(sinkPeakRss)}; whole run: ${megabytes(process.resourceUsage().maxRSS * 1024)}`,
  );
} finally {
  await sink.execute(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch((error: unknown) => console.error(error));
  await sink.close();
  await rm(directory, { recursive: true, force: true });
}
