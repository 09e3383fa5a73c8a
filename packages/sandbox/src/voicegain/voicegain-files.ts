import { once } from "node:events";
import { createWriteStream } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { CsvEncoder } from "./voicegain-csv.ts";
import type { VoicegainCall } from "./voicegain-records.ts";

export interface VoicegainFiles {
  /** One JSON array, like a `format=json` page. */
  json: string;
  /** One call per line. */
  ndjson: string;
  /** Like a `format=csv` page. */
  csv: string;
}

/** Writes `calls` as calls.json, calls.ndjson and calls.csv in `directory`, streaming (for benchmark inputs). */
export async function writeVoicegainFiles(
  calls: readonly VoicegainCall[],
  directory: string,
  encoder: CsvEncoder,
): Promise<VoicegainFiles> {
  await mkdir(directory, { recursive: true });
  const files: VoicegainFiles = {
    json: join(directory, "calls.json"),
    ndjson: join(directory, "calls.ndjson"),
    csv: join(directory, "calls.csv"),
  };
  await Promise.all([
    writeLines(files.json, "[", calls, (call, index) => (index === 0 ? "" : ",") + JSON.stringify(call), "]"),
    writeLines(files.ndjson, "", calls, (call) => `${JSON.stringify(call)}\n`, ""),
    writeLines(files.csv, encoder.header(), calls, (call) => encoder.row(call), ""),
  ]);
  return files;
}

async function writeLines(
  path: string,
  head: string,
  calls: readonly VoicegainCall[],
  line: (call: VoicegainCall, index: number) => string,
  tail: string,
): Promise<void> {
  const stream = createWriteStream(path, { encoding: "utf8" });
  const failed = once(stream, "error").then(([error]) => Promise.reject(error as Error));
  failed.catch(() => undefined);
  let pending = head;
  for (let index = 0; index < calls.length; index += 1) {
    pending += line(calls[index] as VoicegainCall, index);
    if (pending.length >= 256 * 1024) {
      if (!stream.write(pending)) await Promise.race([once(stream, "drain"), failed]);
      pending = "";
    }
  }
  stream.end(pending + tail);
  await Promise.race([once(stream, "finish"), failed]);
}
