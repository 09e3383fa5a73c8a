import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync } from "node:fs";
import { readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** What one whole process cost: wall seconds from spawn to exit, its CPU seconds and its peak resident memory. */
export interface ProcessFigures {
  readonly seconds: number;
  /** User + system seconds of the process and the children it waited for: on two cores, what bounds the wall time. */
  readonly cpuSeconds: number;
  readonly peakRssMb: number;
  readonly stdout: string;
}

// GNU time reports the peak RSS of any child (Node, Python, DuckDB alike), measured by the kernel.
const timeBinary = "/usr/bin/time";

/**
 * Runs a command to completion as its own process and reports wall time and peak RSS.
 * A non-zero exit is an error carrying the command's stderr, so a broken run never prints as a figure.
 */
export async function measureProcess(
  command: string,
  args: readonly string[],
  options: { readonly env?: NodeJS.ProcessEnv; readonly cwd?: string } = {},
): Promise<ProcessFigures> {
  if (!existsSync(timeBinary)) throw new Error(`${timeBinary} is missing: install GNU time (apt-get install time)`);
  // Each row starts with nothing left to write to disk: a gigabyte the emulator or the previous row had just written
  // was flushed during the next row and slowed DuckDB's own read_json of a 1 GB day from 4.0 s to 6.4 s.
  execFileSync("sync");
  const report = join(tmpdir(), `parley-bench-time-${process.pid}-${Math.random().toString(36).slice(2)}`);
  const started = performance.now();
  const child = spawn(timeBinary, ["-f", "%M %U %S", "-o", report, command, ...args], {
    stdio: ["ignore", "pipe", "pipe"],
    env: options.env ?? process.env,
    cwd: options.cwd,
  });
  const { stdout, stderr } = collect(child);
  const [code] = (await once(child, "exit")) as [number | null];
  const seconds = (performance.now() - started) / 1000;
  const reported = (await readFile(report, "utf8").catch(() => "")).trim().split("\n").pop() ?? "";
  const [kilobytes, user, system] = reported.split(" ").map(Number);
  await rm(report, { force: true });
  if (code !== 0) throw new Error(`${command} ${args.join(" ")} exited with ${code}:\n${stderr().slice(-4000)}`);
  return {
    seconds,
    cpuSeconds: Number(user) + Number(system),
    peakRssMb: Number(kilobytes) / 1024,
    stdout: stdout(),
  };
}

function collect(child: ChildProcess): { stdout: () => string; stderr: () => string } {
  let out = "";
  let err = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    out += chunk.toString();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    err += chunk.toString();
  });
  return { stdout: () => out, stderr: () => err };
}

/** A long-running helper process (an emulator) that announces itself with one `READY <json>` line on stdout. */
export async function startHelper<T>(args: readonly string[]): Promise<{ readonly info: T; stop(): Promise<void> }> {
  const child = spawn(process.execPath, ["--conditions=@parley/source", ...args], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  for (;;) {
    const match = /^READY (.*)$/m.exec(output);
    if (match) {
      const stop = async (): Promise<void> => {
        if (child.exitCode !== null) return;
        child.stdin?.end();
        await once(child, "exit");
      };
      return { info: JSON.parse(match[1] as string) as T, stop };
    }
    if (child.exitCode !== null) throw new Error(`helper ${args.join(" ")} exited before it was ready: ${output}`);
    await Promise.race([once(child.stdout as NodeJS.ReadableStream, "data"), once(child, "exit")]);
  }
}
