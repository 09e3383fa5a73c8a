import { z } from "zod";

/**
 * The largest staged row the memoryLimit rule plans for on the row path. The reader's object limit follows a batch's
 * longest row (`stage` in the driver: 16 MiB for usual rows); a row past this still loads if memory allows.
 */
export const rowObjectBytes = 64 * 1024 * 1024;
export const mebibyte = 1024 * 1024;
/**
 * The object limit of DuckDB's JSON reader for staged raw records and usual rows. The reader takes buffers of twice
 * the limit per file it reads whatever the records' size, and the bulk path reads raw files and staged rows side by
 * side: at 64 MiB bulk batches and batches of large rows ran out of the default 256MB. A row-path batch with a longer
 * row gets a limit that fits it (`stage` in the driver).
 */
export const usualObjectBytes = 16 * mebibyte;
// DuckDB's JSON reader holds two objects' worth per thread reading (a row-path write with 1 thread failed at 124 MiB,
// loaded at 133); the bulk path needs more beside it (its tests failed at 176 MiB, passed at 208 with 1 thread and
// at 352 with 2).
const readerBytesPerThread = 2 * rowObjectBytes;
const headroomBytes = 96 * mebibyte;
const sizeUnits: Readonly<Record<string, number>> = {
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 1024,
  mib: mebibyte,
  gib: 1024 * mebibyte,
  tib: 1024 * 1024 * mebibyte,
};

/** A size as DuckDB reads one: a number and one of `sizeUnits`. */
const sizePattern = /^\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i;

/** Bytes of a size as DuckDB reads it (`256MB`: 256,000,000; `256MiB`: 268,435,456). */
function sizeBytes(text: string): number {
  const unit = sizePattern.exec(text)?.[2];
  return unit === undefined ? Number.NaN : Number.parseFloat(text) * (sizeUnits[unit.toLowerCase()] as number);
}

export const duckdbConfigSchema = z
  .strictObject({
    path: z
      .string()
      .min(1, { error: "must be a file path, or :memory: for a throwaway database" })
      .default("./parley.duckdb")
      .meta({
        format: "path",
        description: "Database file; created if missing. `:memory:` keeps nothing after the run.",
      }),
    schema: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: "must be a plain identifier (letters, digits, underscores)" })
      .default("main")
      .meta({ description: "Schema that holds the data tables, Parley's own tables and the views." }),
    memoryLimit: z
      .string()
      .regex(sizePattern, { error: 'must be a size such as "1GB" or "512MiB"' })
      .default("256MB")
      .meta({
        description:
          "DuckDB `memory_limit`. Bounded so a load's memory does not grow with the data (DuckDB's own default is 80% of RAM); after each write a file database also drops from it the blocks that write put into the file. Beyond it DuckDB spills to `<path>.tmp` (an in-memory database: to the run's private staging folder).",
      }),
    checkpointThreshold: z.string().regex(sizePattern, { error: 'must be a size such as "1GB"' }).default("1GB").meta({
      description: "WAL size that triggers a checkpoint; Parley also checkpoints when it closes the database.",
    }),
    rowGroupSize: z.int().min(2048).max(1_048_576).multipleOf(2048).default(8192).meta({
      description:
        "Rows per DuckDB row group in the database file. A batch that commits at least this many rows is written straight into the file; smaller ones go through DuckDB's WAL and are rewritten at the next checkpoint (with DuckDB's own 122880, every 32 MiB batch of an Ultimate day did: 0.8 s more per 300 MB).",
    }),
    threads: z
      .int()
      .min(1)
      .max(256)
      .optional()
      .meta({ description: "DuckDB worker threads for queries and views (default: all cores)." }),
    loadThreads: z.int().min(1).max(256).default(1).meta({
      description:
        "DuckDB threads while a batch loads. One leaves the other cores to parsing the vendor's data, which overlaps loading (measured 25% faster on 2 cores). `memoryLimit` must hold 128 MiB per loading thread (DuckDB's JSON reader) and 96 MiB more; a smaller one is refused.",
    }),
    mapInSql: z.boolean().default(true).meta({
      description:
        "Bulk path for streams that declare a mapping (Ultimate conversations): the vendor's records are staged as the bytes they arrived in and read by DuckDB's own JSON reader, SQL generated from the mapping does the casts, and records in less usual forms go through the JavaScript mapper; the rows and rejects are the same either way. On by default (faster, less memory: bench/); false maps every record in JavaScript.",
    }),
    stagingDirectory: z.string().optional().meta({
      format: "path",
      description:
        "Work directory: batches are staged as NDJSON, readable only by this user, in a folder per run under `<stagingDirectory>/parley-staging` before DuckDB reads them (default: the OS temp directory). Folders left by runs that died are removed by the next run.",
    }),
  })
  .superRefine((config, context) => {
    const needed = config.loadThreads * readerBytesPerThread + headroomBytes;
    if (!(sizeBytes(config.memoryLimit) < needed)) return;
    const threads = config.loadThreads === 1 ? "1 loading thread needs" : `${config.loadThreads} loading threads need`;
    context.addIssue({
      code: "custom",
      path: [config.loadThreads === 1 ? "memoryLimit" : "loadThreads"],
      message: `${threads} a memoryLimit of at least ${needed / mebibyte}MiB (DuckDB's JSON reader takes ${readerBytesPerThread / mebibyte} MiB per loading thread); raise memoryLimit or lower loadThreads`,
    });
  });

export type DuckdbConfig = z.output<typeof duckdbConfigSchema>;
export type DuckdbSettings = z.input<typeof duckdbConfigSchema>;
