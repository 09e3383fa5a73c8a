import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * A project-local Python virtual environment built from a pinned requirements file, rebuilt only when the
 * file changes (its hash is kept beside the environment). Returns the environment's python.
 * Throws with the pip output when the installation fails, so a bench can say why its peer is missing.
 */
export function pythonVenv(directory: string, requirements: string): string {
  const python = join(directory, "bin", "python");
  const stamp = join(directory, "requirements.sha256");
  const wanted = createHash("sha256").update(readFileSync(requirements)).digest("hex");
  if (existsSync(python) && existsSync(stamp) && readFileSync(stamp, "utf8") === wanted) return python;
  const system = process.env.PARLEY_PYTHON ?? "python3";
  console.log(`setting up ${directory} from ${requirements} (once; pip output in case of failure)`);
  execFileSync(system, ["-m", "venv", "--clear", directory], { stdio: "pipe" });
  execFileSync(python, ["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r", requirements], {
    stdio: "pipe",
  });
  writeFileSync(stamp, wanted);
  return python;
}
