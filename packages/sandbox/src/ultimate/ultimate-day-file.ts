import { createWriteStream } from "node:fs";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { type FileBodySource, fileByteChunks } from "./ultimate-file-body.ts";
import type { UltimateGenerator } from "./ultimate-generator.ts";
import type { UltimateApiVersion, UltimateFileFormat } from "./ultimate-options.ts";

export interface UltimateDayFileOptions {
  /** Default: the generator's file format. */
  readonly format?: UltimateFileFormat;
  readonly version?: UltimateApiVersion;
  /** The moment the day is read (late arrivals); default settled. */
  readonly at?: Date;
}

export interface UltimateDayFileResult {
  readonly records: number;
  readonly bytes: number;
}

/** Streams every file of a (bot, day) into one file on disk, e.g. for comparing a loader with DuckDB's own reader. */
export async function writeUltimateDayFile(
  generator: UltimateGenerator,
  botId: string,
  date: string,
  filePath: string,
  options: UltimateDayFileOptions = {},
): Promise<UltimateDayFileResult> {
  const plan = generator.plan(botId, date, options.at);
  const source: FileBodySource = {
    generator,
    plan,
    version: options.version ?? "v3",
    format: options.format ?? generator.options.fileFormat,
  };
  let bytes = 0;
  const counted = Readable.from(
    (function* () {
      for (const chunk of fileByteChunks(source)) {
        bytes += chunk.length;
        yield chunk;
      }
    })(),
  );
  await pipeline(counted, createWriteStream(filePath));
  return { records: plan.visibleCount + plan.duplicates.length, bytes };
}
