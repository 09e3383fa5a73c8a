import { randomUUID } from "node:crypto";
import { once } from "node:events";
import { createWriteStream } from "node:fs";
import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** The column that keeps each row's position in its batch, so merge can keep the last record for a key. */
export const sequenceColumn = "_parley_seq";

function stringify(row: Record<string, unknown>): string {
  try {
    return JSON.stringify(row);
  } catch {
    // Only integers beyond 2^53 (bigint) cannot be stringified; BigQuery documents loading them as strings.
    return JSON.stringify(row, (_key, value: unknown) => (typeof value === "bigint" ? value.toString() : value));
  }
}

/**
 * Writes rows as newline-delimited JSON load files of at most `maxBytes` each (a single larger row gets a file of
 * its own). Files keep memory flat for large batches, and a retried load job re-reads the same bytes.
 */
export async function writeLoadFiles(rows: readonly Record<string, unknown>[], maxBytes: number): Promise<string[]> {
  const paths: string[] = [];
  let out: ReturnType<typeof createWriteStream> | undefined;
  let written = 0;
  const finish = async () => {
    if (out === undefined) return;
    out.end();
    await once(out, "finish");
    out = undefined;
  };
  for (const row of rows) {
    const line = `${stringify(row)}\n`;
    const size = Buffer.byteLength(line);
    if (out !== undefined && written + size > maxBytes) await finish();
    if (out === undefined) {
      const path = join(tmpdir(), `parley-bigquery-${process.pid}-${randomUUID()}.ndjson`);
      paths.push(path);
      out = createWriteStream(path, { highWaterMark: 1 << 20 });
      written = 0;
    }
    written += size;
    if (!out.write(line)) await once(out, "drain");
  }
  await finish();
  return paths;
}

export async function removeLoadFiles(paths: readonly string[]): Promise<void> {
  await Promise.all(paths.map((path) => rm(path, { force: true })));
}

/** A staging table name that no other batch (or retry) uses. */
export function stagingTableName(table: string): string {
  return `_parley_stage_${table}_${randomUUID().replaceAll("-", "").slice(0, 12)}`;
}
