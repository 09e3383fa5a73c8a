#!/usr/bin/env node
import { runCli } from "./run-cli.ts";
import { stopOnSignals } from "./stop-signals.ts";

process.exitCode = await runCli(process.argv.slice(2), { signal: stopOnSignals() });
