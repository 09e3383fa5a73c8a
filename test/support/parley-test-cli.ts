import { runCli, stopOnSignals } from "@parley/runner";
import { counterSourceFactory } from "./counter-source.ts";

/** The `parley` CLI with the test-only counter source added, for tests that need a real separate process. */
process.exitCode = await runCli(process.argv.slice(2), {
  registry: { sources: { counter: counterSourceFactory }, sinks: {} },
  signal: stopOnSignals(),
});
