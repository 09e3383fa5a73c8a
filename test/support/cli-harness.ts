import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { installedPlugins, mergeRegistries, type Registry, runCli } from "@parley/runner";
import { createDuckdbSink } from "@parley/sink-duckdb";
import { stringify } from "yaml";
import { counterSourceFactory } from "./counter-source.ts";

/** The test-only plugins, added to the installed ones by `runCli`. */
export const testPlugins: Registry = { sources: { counter: counterSourceFactory }, sinks: {} };

/** Every installed plugin plus the test-only ones (for code that takes a whole registry, like resolveConfig). */
export const testRegistry: Registry = mergeRegistries(await installedPlugins(), testPlugins);

export interface CapturedRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function capture(): { stream: NodeJS.WriteStream; text: () => string } {
  let text = "";
  const write = (chunk: string): boolean => {
    text += chunk;
    return true;
  };
  const stream = { isTTY: false, write } as unknown as NodeJS.WriteStream;
  return { stream, text: () => text };
}

/** A scratch folder with a DuckDB file and a config file written from an object. */
export async function workspace(): Promise<{
  directory: string;
  databasePath: string;
  writeConfig: (config: unknown, name?: string) => Promise<string>;
  cleanup: () => Promise<void>;
}> {
  const directory = await mkdtemp(join(tmpdir(), "parley-e2e-"));
  return {
    directory,
    databasePath: join(directory, "parley.duckdb"),
    async writeConfig(config, name = "parley.yaml") {
      const path = join(directory, name);
      await writeFile(path, typeof config === "string" ? config : stringify(config));
      return path;
    },
    cleanup: () => rm(directory, { recursive: true, force: true }),
  };
}

export async function parley(argv: readonly string[], environment: NodeJS.ProcessEnv = {}): Promise<CapturedRun> {
  const stdout = capture();
  const stderr = capture();
  const code = await runCli(argv, {
    registry: testPlugins,
    stdout: stdout.stream,
    stderr: stderr.stream,
    environment,
  });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

/** Runs one query against a DuckDB file (after the CLI has closed it). */
export async function queryDuckdb(path: string, sql: string): Promise<readonly Record<string, unknown>[]> {
  const sink = createDuckdbSink({ path });
  try {
    return await sink.query(sql);
  } finally {
    await sink.close();
  }
}
