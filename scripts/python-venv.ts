import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** A Python virtual environment with a requirements file installed. */
export interface PythonVenv {
  readonly directory: string;
  /** The path of an executable the environment installed (`dbt`, `dlt`, `python`...). */
  bin(name: string): string;
}

export interface PythonVenvOptions {
  /** Where environments are kept; default: the workspace's node_modules/.cache/parley-python. */
  readonly cacheDirectory?: string;
  /** The interpreter that creates the environment; default PARLEY_PYTHON, else python3.11. */
  readonly python?: string;
  readonly signal?: AbortSignal;
}

const repositoryRoot = resolve(import.meta.dirname, "..");
const completeMarker = ".parley-venv-complete";
const staleLockMs = 15 * 60_000;

async function waitForOtherInstall(lock: string, marker: string, signal?: AbortSignal): Promise<boolean> {
  for (;;) {
    signal?.throwIfAborted();
    if (existsSync(marker)) return true;
    const held = await stat(lock).catch(() => undefined);
    if (held === undefined) return false;
    if (Date.now() - held.mtimeMs > staleLockMs) {
      await rm(lock, { recursive: true, force: true });
      return false;
    }
    await new Promise((done) => setTimeout(done, 1000));
  }
}

/**
 * A virtual environment with exactly `requirementsFile` installed, created on first use and reused while the
 * file and the interpreter stay the same: it lives in a folder named by their hash. Concurrent callers (test
 * files in parallel workers) share one install through a lock folder; a venv is never moved, since its scripts
 * carry absolute paths.
 */
export async function pythonVenv(requirementsFile: string, options: PythonVenvOptions = {}): Promise<PythonVenv> {
  const python = options.python ?? process.env.PARLEY_PYTHON ?? "python3.11";
  const requirements = await readFile(requirementsFile, "utf8");
  const { stdout: version } = await run(python, ["--version"]).catch((cause: unknown) => {
    throw new Error(
      `cannot run ${python} (${(cause as Error).message}); install Python 3.11 or set PARLEY_PYTHON to an interpreter`,
      { cause },
    );
  });
  const key = createHash("sha256").update(version).update(requirements).digest("hex").slice(0, 16);
  const cache = options.cacheDirectory ?? join(repositoryRoot, "node_modules/.cache/parley-python");
  const directory = join(cache, key);
  const venv: PythonVenv = { directory, bin: (name) => join(directory, "bin", name) };
  const marker = join(directory, completeMarker);
  const lock = `${directory}.lock`;
  await mkdir(cache, { recursive: true });
  for (;;) {
    if (existsSync(marker)) return venv;
    try {
      await mkdir(lock);
    } catch {
      if (await waitForOtherInstall(lock, marker, options.signal)) return venv;
      continue;
    }
    try {
      await rm(directory, { recursive: true, force: true });
      await run(python, ["-m", "venv", directory], { signal: options.signal });
      await run(
        venv.bin("python"),
        ["-m", "pip", "install", "--disable-pip-version-check", "--quiet", "-r", resolve(requirementsFile)],
        { signal: options.signal, maxBuffer: 64 * 1024 * 1024 },
      ).catch((cause: unknown) => {
        const stderr = (cause as { stderr?: string }).stderr ?? "";
        throw new Error(
          `pip could not install ${requirementsFile}: ${stderr.trim().split("\n").slice(-5).join("\n")}`,
          {
            cause,
          },
        );
      });
      await writeFile(marker, `${requirementsFile}\n`);
      return venv;
    } finally {
      await rm(lock, { recursive: true, force: true });
    }
  }
}
