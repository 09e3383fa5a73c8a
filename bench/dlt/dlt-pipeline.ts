import { fileURLToPath } from "node:url";
import { measureProcess, type ProcessFigures } from "../support/measure.ts";
import { pythonVenv } from "../support/python-venv.ts";

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

let python: string | Error | undefined;

/** The dlt environment's python, set up on first use; an Error saying why when it cannot be set up. */
function dltPython(): string | Error {
  if (python === undefined) {
    try {
      python = pythonVenv(here("../.data/dlt-venv"), here("requirements.txt"));
    } catch (error) {
      const detail = error instanceof Error ? ((error as { stderr?: Buffer }).stderr?.toString() ?? error.message) : "";
      python = new Error(`dlt peer not available: ${detail.trim().split("\n").slice(-3).join(" ")}`);
    }
  }
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
  const interpreter = dltPython();
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
