import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";

export interface ChildSync {
  /** True when the child was SIGKILLed as asked, before it said it was done. */
  readonly killed: boolean;
  readonly code: number | null;
  /** Everything it printed: a `flushed ...` line per written batch, then `done <status>`. */
  readonly output: string;
}

/**
 * Runs one sync in a child process (`child`: a script under test/support taking its options as JSON), so a test can
 * SIGKILL it mid-run: with `killAtFlush`, once that many batches were written. A run not meant to be killed must
 * exit 0 unless `mayFail`; one that hangs is killed after `timeoutMs` and reported as such.
 */
export async function syncInChild(
  child: string,
  options: object,
  {
    killAtFlush,
    mayFail = false,
    timeoutMs = 60_000,
  }: { killAtFlush?: number | undefined; mayFail?: boolean; timeoutMs?: number } = {},
): Promise<ChildSync> {
  const process_: ChildProcess = spawn(
    process.execPath,
    ["--conditions=@parley/source", child, JSON.stringify(options)],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  let killed = false;
  const onData = (chunk: Buffer) => {
    output += chunk.toString();
    if (killAtFlush !== undefined && !killed && (output.match(/^flushed /gm) ?? []).length >= killAtFlush) {
      killed = true;
      process_.kill("SIGKILL");
    }
  };
  process_.stdout?.on("data", onData);
  process_.stderr?.on("data", onData);
  const hung = setTimeout(() => process_.kill("SIGKILL"), timeoutMs);
  const [code, signal] = (await once(process_, "exit")) as [number | null, NodeJS.Signals | null];
  clearTimeout(hung);
  if (signal === "SIGKILL" && !killed) throw new Error(`sync hung for ${timeoutMs} ms and was killed: ${output}`);
  if (killAtFlush === undefined && !mayFail && code !== 0) throw new Error(`sync failed (${code}): ${output}`);
  return { killed: killed && signal === "SIGKILL" && !output.includes("done "), code, output };
}
