#!/usr/bin/env node
import { runCli } from "./run-cli.ts";

const controller = new AbortController();
let interrupted = false;
process.on("SIGINT", () => {
  // First Ctrl-C stops cleanly (the load is recorded as failed, state stays consistent); the second one exits now.
  if (interrupted) process.exit(130);
  interrupted = true;
  process.stderr.write("\nstopping after the current batch (Ctrl-C again to quit now)\n");
  controller.abort(new Error("interrupted by the user (SIGINT)"));
});

process.exitCode = await runCli(process.argv.slice(2), { signal: controller.signal });
