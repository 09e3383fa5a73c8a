import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { ConfigError, ParleyError } from "@parley/core/errors";
import type { CommandContext } from "./commands/command-context.ts";
import { checkOptionValues, describeOptions, globalOptions, type OptionSpecs } from "./commands/command-options.ts";
import { type CommandSpec, commands, findCommand } from "./commands/command-table.ts";
import { parleyCommand } from "./output/command-hint.ts";
import { createLiveRegion } from "./output/live-region.ts";
import { emptyRegistry, type Registry } from "./registry.ts";

function commandLine(command: CommandSpec): string {
  return ["parley", ...command.words, ...(command.arguments === undefined ? [] : [command.arguments])].join(" ");
}

export const usage = `Usage: parley <command> [options]

Commands:
${commands.map((command) => `  ${commandLine(command).slice("parley ".length).padEnd(22)}  ${command.summary}`).join("\n")}

Options:
${describeOptions(globalOptions)}
      --version            print the version

Exit codes: 0 ok, 1 a run or check failed, 2 bad usage or configuration, 3 stopped by SIGINT/SIGTERM
(what checkpoints covered is stored), 4 another run of a source holds the sink's lock (see sync --wait).
Run parley <command> --help for a command's options.
`;

export function commandUsage(command: CommandSpec): string {
  const options = { ...command.options, ...globalOptions };
  return `Usage: ${commandLine(command)} [options]\n\n${command.summary[0]?.toUpperCase()}${command.summary.slice(1)}.\n\nOptions:\n${describeOptions(options)}\n`;
}

export function version(): string {
  const manifest = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
    version: string;
  };
  return manifest.version;
}

export interface CliEnvironment {
  /** Plugins added to those installed beside the runner (tests, programs with plugins of their own). */
  readonly registry?: Registry;
  readonly stdout?: NodeJS.WriteStream;
  readonly stderr?: NodeJS.WriteStream;
  readonly environment?: NodeJS.ProcessEnv;
  readonly signal?: AbortSignal;
}

/** Every option any command takes, to find the command words before parsing strictly for that command. */
function everyOption(): OptionSpecs {
  const all: Record<string, OptionSpecs[string]> = { ...globalOptions };
  for (const command of commands) for (const [name, spec] of Object.entries(command.options)) all[name] = spec;
  return all;
}

function parserOptions(specs: OptionSpecs, multiple = false) {
  return Object.fromEntries(
    Object.entries(specs).map(([name, spec]) => [
      name,
      {
        type: spec.type,
        ...(spec.short === undefined ? {} : { short: spec.short }),
        ...(spec.multiple === true || (multiple && spec.type === "string") ? { multiple: true } : {}),
      },
    ]),
  );
}

/** Runs the CLI and returns the exit code: 0 ok, 1 a run or check failed, 2 bad usage or configuration. */
export async function runCli(argv: readonly string[], cli: CliEnvironment = {}): Promise<number> {
  const stdout = cli.stdout ?? process.stdout;
  const stderr = cli.stderr ?? process.stderr;
  // Known before the options are parsed, so even a failure to parse them is reported in the format asked for.
  const jsonLogs = argv.some(
    (argument, index) =>
      argument === "--log-format=json" || (argument === "--log-format" && argv[index + 1] === "json"),
  );
  try {
    const loose = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: false,
      options: { ...parserOptions(everyOption(), true), version: { type: "boolean" } },
    });
    const found = findCommand(loose.positionals);
    if (found === undefined) {
      if (loose.positionals.length > 0) {
        stderr.write(`unknown command: ${loose.positionals.join(" ")}\n\n${usage}`);
        return 2;
      }
      if (loose.values.version === true) {
        stdout.write(`${version()}\n`);
        return 0;
      }
      (loose.values.help === true ? stdout : stderr).write(usage);
      return loose.values.help === true ? 0 : 2;
    }
    const { command, args } = found;
    const specs = { ...command.options, ...globalOptions };
    let values: Record<string, string | boolean | string[] | undefined>;
    try {
      values = parseArgs({ args: [...argv], allowPositionals: true, strict: true, options: parserOptions(specs) })
        .values as typeof values;
    } catch (error) {
      const typed = `${parleyCommand(cli.environment ?? process.env)} ${command.words.join(" ")}`;
      stderr.write(`${(error as Error).message}\nRun ${typed} --help for its options.\n`);
      return 2;
    }
    if (values.help === true) {
      stdout.write(commandUsage(command));
      return 0;
    }
    checkOptionValues(specs, values);
    const signal = cli.signal ?? new AbortController().signal;
    const terminal = createLiveRegion(stderr);
    signal.addEventListener("abort", () => terminal.print(command.stopMessage ?? stopMessage(signal.reason)), {
      once: true,
    });
    const context: CommandContext = {
      registry: cli.registry ?? emptyRegistry,
      stdout,
      stderr,
      terminal,
      logFormat: values["log-format"] === "json" ? "json" : "text",
      environment: cli.environment ?? process.env,
      signal,
    };
    return await command.run(context, values, args);
  } catch (error) {
    // Imported on failure only: help never needs the redactor (and a failed command has usually loaded core).
    const { redact } = await import("@parley/core");
    const message = redact(error instanceof Error ? error.message : String(error));
    const code = ParleyError.isParleyError(error) ? error.code : undefined;
    if (jsonLogs) {
      const issues = ConfigError.isInstance(error) ? { issues: error.issues } : {};
      stderr.write(`${JSON.stringify({ time: new Date().toISOString(), level: "error", message, code, ...issues })}\n`);
    } else if (ConfigError.isInstance(error)) stderr.write(`${error.message}\n`);
    else stderr.write(`error${code === undefined ? "" : ` (${code})`}: ${message}\n`);
    return ConfigError.isInstance(error) ? 2 : 1;
  }
}

function stopMessage(reason: unknown): string {
  const why = reason instanceof Error ? reason.message : "interrupted";
  return `${why}: stopping after the current batch (a second signal stops at once)`;
}
