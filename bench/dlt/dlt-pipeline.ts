import { fileURLToPath } from "node:url";
import { pythonVenv } from "../../scripts/python-venv.ts";
import { measureProcess, type ProcessFigures } from "../support/measure.ts";

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

let python: Promise<string | Error> | undefined;

/** The dlt environment's python (the workspace's shared venv helper, pinned requirements); an Error saying why not. */
function dltPython(): Promise<string | Error> {
  python ??= pythonVenv(here("requirements.txt")).then(
    (venv) => venv.bin("python"),
    (error: unknown) => new Error(`dlt peer not available: ${(error as Error).message}`),
  );
  return python;
}

/**
 * Runs one of the dlt pipelines in this folder as its own process (telemetry off, its working folder inside
 * `workDirectory`). Returns the figures and the row count the pipeline printed, or the Error that kept it from running.
 */
export async function runDlt(
  script: "ultimate_pipeline.py" | "voicegain_pipeline.py",
  args: readonly string[],
  workDirectory: string,
): Promise<{ figures: ProcessFigures; rows: number } | Error> {
  const interpreter = await dltPython();
  if (interpreter instanceof Error) return interpreter;
  const figures = await measureProcess(interpreter, [here(script), ...args], {
    env: {
      ...process.env,
      RUNTIME__DLTHUB_TELEMETRY: "false",
      DLT_DATA_DIR: workDirectory,
      DLT_PROJECT_DIR: workDirectory,
    },
    cwd: workDirectory,
  });
  const rows = Number(/^RESULT (\d+)$/m.exec(figures.stdout)?.[1]);
  return { figures, rows };
}
