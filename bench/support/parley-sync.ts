import { writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { stringify } from "yaml";
import { measureProcess, type ProcessFigures } from "./measure.ts";

// The command a user runs (the bin, with the compile cache), on the sources of this checkout.
const cli = fileURLToPath(new URL("../../apps/runner/bin/parley.js", import.meta.url));

/** `parley sync -c <config>` as a user runs it: its own process, the config written to a file first. */
export async function parleySync(configPath: string, config: Record<string, unknown>): Promise<ProcessFigures> {
  await writeFile(configPath, stringify(config));
  return measureProcess(process.execPath, ["--conditions=@parley/source", cli, "sync", "-c", configPath], {
    env: { ...process.env, NO_COLOR: "1" },
  });
}
