#!/usr/bin/env node
import { runCli } from "./run-cli.ts";

const controller = new AbortController();
let interrupted = false;
process.on("SIGINT", () => {
  // The first Ctrl-C stops cleanly (state stays consistent with the data); the second one exits now.
  if (interrupted) process.exit(130);
  interrupted = true;
  controller.abort(new Error("interrupted by the user (SIGINT)"));
});

process.exitCode = await runCli(process.argv.slice(2), { signal: controller.signal });
