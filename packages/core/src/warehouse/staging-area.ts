import { randomUUID } from "node:crypto";
import { once } from "node:events";
import { createWriteStream } from "node:fs";
import { mkdir, mkdtemp, readdir, rm } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";

/**
 * Where a run stages rows as files before its warehouse reads them. Staged files hold conversation data, so
 * they live in a folder only this user can open (0700, files 0600) under the work directory, one folder per
 * run; a run that dies leaves its folder behind, and the next run on this host removes it.
 */
export interface StagingArea {
  readonly directory: string;
  /**
   * Writes rows as newline-delimited JSON files of at most `maxBytes` each (a larger single row gets a file of
   * its own); one file without a limit. Integers beyond 2^53 (bigint) are written as their decimal text.
   */
  writeNdjson(rows: readonly Record<string, unknown>[], maxBytes?: number): Promise<string[]>;
  /**
   * `writeNdjson`, also telling how long the longest row can be in bytes: exact for a row that may pass 16 MiB,
   * otherwise 3 bytes per UTF-16 unit of its text.
   */
  writeNdjsonMeasured(
    rows: readonly Record<string, unknown>[],
    maxBytes?: number,
  ): Promise<{ readonly paths: string[]; readonly longestRowBytesAtMost: number }>;
  remove(paths: readonly string[]): Promise<void>;
  /** Removes the run's folder and everything in it. */
  close(): Promise<void>;
}

const folderPattern = /^run-(.+)-(\d+)-[A-Za-z0-9]+$/;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** A row as one JSON text; integers beyond 2^53 (bigint) as their decimal text. */
export function rowJson(row: Record<string, unknown>): string {
  try {
    return JSON.stringify(row);
  } catch {
    return JSON.stringify(row, (_key, value: unknown) => (typeof value === "bigint" ? value.toString() : value));
  }
}

/** Removes the folders of runs on this host whose process no longer exists. */
async function removeLeftovers(root: string, host: string): Promise<void> {
  for (const name of await readdir(root).catch(() => [] as string[])) {
    const match = folderPattern.exec(name);
    if (match === null || match[1] !== host || isAlive(Number(match[2]))) continue;
    await rm(join(root, name), { recursive: true, force: true });
  }
}

const measuredAbove = 16 * 1024 * 1024;

/** Opens a private staging folder for this run under `workDirectory` (default: the OS temp folder). */
export async function createStagingArea(workDirectory: string | undefined): Promise<StagingArea> {
  const root = join(workDirectory ?? tmpdir(), "parley-staging");
  await mkdir(root, { recursive: true, mode: 0o700 });
  const host = hostname().replace(/[^A-Za-z0-9]/g, "");
  await removeLeftovers(root, host);
  const directory = await mkdtemp(join(root, `run-${host}-${process.pid}-`), {});
  const area: StagingArea = {
    directory,
    async writeNdjson(rows, maxBytes) {
      return (await area.writeNdjsonMeasured(rows, maxBytes)).paths;
    },
    async writeNdjsonMeasured(rows, maxBytes = Number.POSITIVE_INFINITY) {
      const paths: string[] = [];
      let longestLine = 0;
      // Without a limit no line needs measuring: one UTF-8 scan of every row saved.
      const limited = Number.isFinite(maxBytes);
      let out: ReturnType<typeof createWriteStream> | undefined;
      let written = 0;
      let chunk = "";
      const flush = async () => {
        if (out !== undefined && chunk !== "" && !out.write(chunk)) await once(out, "drain");
        chunk = "";
      };
      const finish = async () => {
        await flush();
        if (out === undefined) return;
        out.end();
        await once(out, "finish");
        out = undefined;
      };
      for (const row of rows) {
        const line = `${rowJson(row)}\n`;
        // A UTF-16 unit is at most 3 bytes; only a line that might pass `measuredAbove` is measured exactly.
        const most = line.length * 3 <= measuredAbove ? line.length * 3 : Buffer.byteLength(line);
        if (most > longestLine) longestLine = most;
        const size = limited ? Buffer.byteLength(line) : 0;
        if (out !== undefined && written + size > maxBytes) await finish();
        if (out === undefined) {
          const path = join(directory, `${randomUUID()}.ndjson`);
          paths.push(path);
          out = createWriteStream(path, { mode: 0o600, flags: "wx", highWaterMark: 1 << 20 });
          written = 0;
        }
        written += size;
        chunk += line;
        if (chunk.length > 1 << 20) await flush();
      }
      await finish();
      return { paths, longestRowBytesAtMost: longestLine };
    },
    async remove(paths) {
      await Promise.all(paths.map((path) => rm(path, { force: true })));
    },
    async close() {
      await rm(directory, { recursive: true, force: true });
    },
  };
  return area;
}
