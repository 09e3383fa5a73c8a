import { writeFile } from "node:fs/promises";
import { ConfigError } from "@parley/core";
import { stringify } from "yaml";
import { parleyCommand } from "../output/command-hint.ts";
import type { CommandContext } from "./command-context.ts";
import { sandboxConfig } from "./sandbox-config.ts";

/**
 * `parley sandbox`: serves the three fake vendor APIs with seeded data until Ctrl-C, and writes a config
 * that points `parley sync` at them, so pipelines can be developed offline.
 */
export async function sandboxCommand(
  context: CommandContext,
  options: { readonly port: number; readonly size: number; readonly configPath: string },
): Promise<number> {
  const { startSandbox } = await importSandbox();
  const sandbox = await startSandbox({ basePort: options.port, size: options.size });
  try {
    await writeFile(
      options.configPath,
      `# Points Parley at the local sandbox (fake credentials).\n${stringify(sandboxConfig(sandbox, "./parley-sandbox.duckdb"))}`,
    );
    context.stdout.write(
      [
        `Ultimate (Zendesk AI agents) export API: ${sandbox.ultimate.url}/data-export/v3/get-signed-urls`,
        `Voicegain speech analytics API:         ${sandbox.voicegain.apiUrl}/sa/call`,
        `CCAI Insights API:                       ${sandbox.ccai.url}/v1/${sandbox.ccai.parent}/conversations`,
        `Config written to ${options.configPath}; in another terminal: ${parleyCommand(context.environment)} sync -c ${options.configPath}`,
        "Ctrl-C stops the sandbox.",
        "",
      ].join("\n"),
    );
    if (!context.signal.aborted)
      await new Promise((resolve) => context.signal.addEventListener("abort", resolve, { once: true }));
  } finally {
    await sandbox.close();
  }
  return 0;
}

/** The emulators are a package of their own, so a production install does not carry them. */
async function importSandbox(): Promise<typeof import("@parley/sandbox")> {
  try {
    return await import("@parley/sandbox");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ERR_MODULE_NOT_FOUND") throw error;
    throw new ConfigError(
      [{ path: "sandbox", message: "needs the @parley/sandbox package: install it beside @parley/runner" }],
      { subject: "command", cause: error },
    );
  }
}
