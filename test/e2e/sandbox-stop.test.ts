import { spawn } from "node:child_process";
import { once } from "node:events";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, expect, test } from "vitest";
import { workspace } from "../support/cli-harness.ts";

const testCli = fileURLToPath(new URL("../support/parley-test-cli.ts", import.meta.url));

let cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups) await cleanup();
  cleanups = [];
});

test("Ctrl-C on parley sandbox says the sandbox stopped (not sync's batch message) and exits 0", async () => {
  const space = await workspace();
  cleanups.push(space.cleanup);
  const args = ["sandbox", "--port", "0", "--write-config", join(space.directory, "sandbox.yaml")];
  const child = spawn(process.execPath, ["--conditions=@parley/source", testCli, ...args], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = once(child, "exit");
  await new Promise<void>((resolve) =>
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.includes("Ctrl-C stops the sandbox.")) resolve();
    }),
  );
  child.kill("SIGINT");
  const [code] = await exited;
  expect(code, stderr).toBe(0);
  expect(stderr).toContain("sandbox stopped");
  expect(stderr).not.toContain("current batch");
});
