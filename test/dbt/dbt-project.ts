import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { stringify } from "yaml";
import { type PythonVenv, pythonVenv } from "../../scripts/python-venv.ts";

const run = promisify(execFile);

export const repositoryRoot = resolve(import.meta.dirname, "../..");
export const packageDirectory = join(repositoryRoot, "dbt");

/** dbt-core with the DuckDB and PostgreSQL adapters, pinned (test/dbt/requirements.txt), in a cached venv. */
export function dbtVenv(): Promise<PythonVenv> {
  return pythonVenv(join(import.meta.dirname, "requirements.txt"));
}

/** A dbt profile target: what `profiles.yml` says for the warehouse. */
export type DbtTarget =
  | {
      readonly type: "bigquery";
      readonly method: "service-account";
      readonly keyfile: string;
      readonly project: string;
      readonly dataset: string;
    }
  | { readonly type: "duckdb"; readonly path: string; readonly schema: string }
  | {
      readonly type: "postgres";
      readonly host: string;
      readonly port: number;
      readonly user: string;
      readonly password: string;
      readonly dbname: string;
      readonly schema: string;
    };

export function postgresTarget(url: string, schema: string): Extract<DbtTarget, { type: "postgres" }> {
  const parsed = new URL(url);
  return {
    type: "postgres",
    host: parsed.hostname,
    port: Number(parsed.port || 5432),
    user: decodeURIComponent(parsed.username),
    password: decodeURIComponent(parsed.password),
    dbname: parsed.pathname.slice(1),
    schema,
  };
}

export interface DbtProject {
  readonly directory: string;
  /** Where the generated sources file goes (`parley dbt sources --output`). */
  readonly sourcesFile: string;
  /** Runs `dbt <args>` in the project; rejects with dbt's output when it fails. */
  dbt(args: readonly string[]): Promise<string>;
  cleanup(): Promise<void>;
}

/**
 * A user's dbt project that installs the package from this repository (a local path in packages.yml) and
 * points it at Parley's tables through vars, as dbt/README.md tells users to.
 */
export async function createDbtProject(
  venv: PythonVenv,
  target: DbtTarget,
  vars: Record<string, unknown>,
): Promise<DbtProject> {
  const directory = await mkdtemp(join(tmpdir(), "parley-dbt-"));
  await mkdir(join(directory, "models"));
  const files: Record<string, unknown> = {
    "dbt_project.yml": {
      name: "parley_user_project",
      version: "1.0.0",
      "config-version": 2,
      profile: "parley_test",
      "model-paths": ["models"],
      vars,
    },
    "packages.yml": { packages: [{ local: packageDirectory }] },
    "profiles.yml": {
      parley_test: { target: "test", outputs: { test: { ...target, threads: 1 } } },
    },
  };
  for (const [name, content] of Object.entries(files)) await writeFile(join(directory, name), stringify(content));
  const environment = {
    ...process.env,
    DBT_PROFILES_DIR: directory,
    DBT_SEND_ANONYMOUS_USAGE_STATS: "false",
    DBT_USE_COLORS: "false",
  };
  return {
    directory,
    sourcesFile: join(directory, "models/parley_sources.yml"),
    async dbt(args) {
      try {
        const { stdout } = await run(venv.bin("dbt"), [...args], {
          cwd: directory,
          env: environment,
          maxBuffer: 64 * 1024 * 1024,
        });
        return stdout;
      } catch (error) {
        const output = (error as { stdout?: string }).stdout ?? "";
        throw new Error(`dbt ${args.join(" ")} failed:\n${output.split("\n").slice(-60).join("\n")}`, { cause: error });
      }
    },
    cleanup: () => rm(directory, { recursive: true, force: true }),
  };
}
