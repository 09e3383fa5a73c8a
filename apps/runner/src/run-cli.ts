import { parseArgs } from "node:util";
import { ConfigError, ParleyError, redact } from "@parley/core";
import { checkCommand } from "./commands/check-command.ts";
import type { CommandContext } from "./commands/command-context.ts";
import { exportCommand } from "./commands/export-command.ts";
import { sandboxCommand } from "./commands/sandbox-command.ts";
import { stateResetCommand, stateShowCommand } from "./commands/state-command.ts";
import { syncCommand } from "./commands/sync-command.ts";
import { queryCommand, viewsApplyCommand } from "./commands/views-command.ts";
import { configJsonSchema } from "./config/config-json-schema.ts";
import { defaultRegistry, type Registry } from "./registry.ts";

export const usage = `Usage: parley <command> [options]

Commands:
  sync [--source NAME ...] [--full-refresh]   load every enabled source (or the named ones) into the sink
  check                                       validate the config and reach the sink and every source
  state show [SOURCE]                         stored state per stream and the latest loads
  state reset SOURCE [--stream NAME ...]      forget state; the next sync starts from the configured start
  views apply [--sql-dir DIR] [--reporting-time-zone IANA]
                                              create or replace the metric views in the sink; days are cut in
                                              the reporting time zone (default UTC)
  query "SQL"                                 run a query in the sink and print the rows
  sandbox [--port N] [--write-config FILE]    serve fake vendor APIs with seeded data (offline development)
  export ccai [--source NAME] [--since TIME]  run CCAI's native export to BigQuery and print the MERGE to apply
  schema                                      print the JSON Schema of parley.yaml (for editor completion)

Options:
  -c, --config FILE        config file (default: parley.yaml)
      --log-format FORMAT  text (default) or json
  -h, --help               this help
`;

export interface CliEnvironment {
  readonly registry?: Registry;
  readonly stdout?: NodeJS.WriteStream;
  readonly stderr?: NodeJS.WriteStream;
  readonly environment?: NodeJS.ProcessEnv;
  readonly signal?: AbortSignal;
}

/** Runs the CLI and returns the exit code: 0 ok, 1 a run or check failed, 2 bad usage or configuration. */
export async function runCli(argv: readonly string[], cli: CliEnvironment = {}): Promise<number> {
  const stdout = cli.stdout ?? process.stdout;
  const stderr = cli.stderr ?? process.stderr;
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    stderr.write(`${(error as Error).message}\n\n${usage}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help === true || positionals.length === 0) {
    (positionals.length === 0 && values.help !== true ? stderr : stdout).write(usage);
    return positionals.length === 0 && values.help !== true ? 2 : 0;
  }
  const logFormat = values["log-format"] === "json" ? "json" : "text";
  const context: CommandContext = {
    registry: cli.registry ?? defaultRegistry,
    stdout,
    stderr,
    logFormat,
    environment: cli.environment ?? process.env,
    signal: cli.signal ?? new AbortController().signal,
  };
  const global = { config: values.config ?? "parley.yaml" };
  const [command, subcommand, argument] = positionals;
  try {
    switch (command) {
      case "sync":
        return await syncCommand(context, {
          ...global,
          sources: values.source ?? [],
          fullRefresh: values["full-refresh"] === true,
        });
      case "check":
        return await checkCommand(context, global);
      case "state":
        if (subcommand === "show")
          return await stateShowCommand(context, argument === undefined ? global : { ...global, source: argument });
        if (subcommand === "reset")
          return await stateResetCommand(context, { ...global, source: argument, streams: values.stream ?? [] });
        break;
      case "views":
        if (subcommand === "apply")
          return await viewsApplyCommand(context, {
            ...global,
            ...(values["sql-dir"] === undefined ? {} : { directory: values["sql-dir"] }),
            ...(values["reporting-time-zone"] === undefined
              ? {}
              : { reportingTimeZone: values["reporting-time-zone"] }),
          });
        break;
      case "query":
        return await queryCommand(context, { ...global, sql: subcommand });
      case "export":
        return await exportCommand(context, {
          ...global,
          type: subcommand,
          source: values.source?.[0],
          since: values.since,
        });
      case "schema":
        stdout.write(`${JSON.stringify(configJsonSchema(context.registry), null, 2)}\n`);
        return 0;
      case "sandbox":
        return await sandboxCommand(context, {
          port: Number(values.port ?? 8790),
          configPath: values["write-config"] ?? "parley.sandbox.yaml",
        });
    }
    stderr.write(`unknown command: ${positionals.join(" ")}\n\n${usage}`);
    return 2;
  } catch (error) {
    if (ConfigError.isInstance(error)) {
      stderr.write(`${error.message}\n`);
      return 2;
    }
    const message = error instanceof Error ? error.message : String(error);
    stderr.write(`error${ParleyError.isParleyError(error) ? ` (${error.code})` : ""}: ${redact(message)}\n`);
    return 1;
  }
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      config: { type: "string", short: "c" },
      source: { type: "string", multiple: true },
      stream: { type: "string", multiple: true },
      "full-refresh": { type: "boolean" },
      "log-format": { type: "string" },
      "sql-dir": { type: "string" },
      "reporting-time-zone": { type: "string" },
      port: { type: "string" },
      since: { type: "string" },
      "write-config": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
}
