import { writeFile } from "node:fs/promises";
import { ConfigError } from "@parley/core";
import { starterConfig } from "../config/starter-config.ts";
import { parleyCommand } from "../output/command-hint.ts";
import { everyPlugin } from "../registry.ts";
import type { CommandContext, GlobalOptions } from "./command-context.ts";

/** `parley init --source TYPE ... [--sink TYPE]`: writes a commented starter config, refusing to overwrite one. */
export async function initCommand(
  context: CommandContext,
  options: GlobalOptions & { readonly sources: readonly string[]; readonly sink: string; readonly force: boolean },
): Promise<number> {
  const registry = await everyPlugin(context.registry);
  const known = (table: Readonly<Record<string, unknown>>) => Object.keys(table).join(", ");
  const issues = [
    ...(options.sources.length === 0
      ? [{ path: "--source", message: `name at least one connector type: ${known(registry.sources)}` }]
      : []),
    ...options.sources
      .filter((type) => registry.sources[type] === undefined)
      .map((type) => ({
        path: "--source",
        message: `unknown connector type "${type}" (available: ${known(registry.sources)})`,
      })),
    ...(registry.sinks[options.sink] === undefined
      ? [
          {
            path: "--sink",
            message: `unknown sink type "${options.sink}" (available: ${known(registry.sinks)})`,
          },
        ]
      : []),
  ];
  if (issues.length > 0) throw new ConfigError(issues, { subject: "command line" });
  const text = starterConfig(registry, [...new Set(options.sources)], options.sink);
  try {
    await writeFile(options.config, text, { flag: options.force ? "w" : "wx" });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST")
      throw new ConfigError([{ path: "-c", message: `${options.config} exists; pass --force to overwrite it` }], {
        subject: "command line",
      });
    throw error;
  }
  context.stdout.write(
    `wrote ${options.config}: fill in each TODO and the environment variables it names, then run: ${parleyCommand(context.environment)} check -c ${options.config}\n`,
  );
  return 0;
}
