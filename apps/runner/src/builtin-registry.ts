import { duckdbSinkFactory } from "@parley/sink-duckdb";
import type { Registry } from "./registry.ts";

/**
 * The runner's built-in plugins, only the default sink, for programs that use the runner as a library. The CLI
 * never imports this module: it imports the DuckDB sink by its package name, like every plugin, when needed.
 */
export const builtinRegistry: Registry = { sources: {}, sinks: { duckdb: duckdbSinkFactory } };
