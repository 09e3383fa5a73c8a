import { ConfigError } from "@parley/core/errors";
import { type RowFormat, rowFormats } from "../output/row-formats.ts";
import type { CommandContext } from "./command-context.ts";
import type { OptionSpecs } from "./command-options.ts";

export type OptionValues = Readonly<Record<string, string | boolean | string[] | undefined>>;

/**
 * One `parley` command: its words, usage, options, and what runs it. Each `run` imports its command's module when
 * it runs, so help, usage errors and every other command never load what one command needs (zod schemas, YAML,
 * the plugins, the sandbox).
 */
export interface CommandSpec {
  readonly words: readonly string[];
  /** Positional arguments after the command words, as shown in help. */
  readonly arguments?: string;
  /** The most positional arguments accepted. */
  readonly maxArguments?: number;
  readonly summary: string;
  readonly options: OptionSpecs;
  /** What the first SIGINT/SIGTERM prints; without it, sync's "stopping after the current batch". */
  readonly stopMessage?: string;
  run(context: CommandContext, values: OptionValues, args: readonly string[]): Promise<number>;
}

const text = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);
const list = (value: unknown): string[] => (Array.isArray(value) ? (value as string[]) : []);
const config = (values: OptionValues) => ({ config: text(values.config) ?? "parley.yaml" });

export const commands: readonly CommandSpec[] = [
  {
    words: ["sync"],
    summary: "load every enabled source (or the named ones) into the sink",
    options: {
      source: { type: "string", multiple: true, value: "NAME", description: "only this source" },
      "full-refresh": { type: "boolean", description: "ignore stored state and replace the tables" },
      wait: { type: "boolean", description: "wait for another run of a source to end instead of exiting with 4" },
    },
    run: async (context, values) =>
      (await import("./sync-command.ts")).syncCommand(context, {
        ...config(values),
        sources: list(values.source),
        fullRefresh: values["full-refresh"] === true,
        wait: values.wait === true,
      }),
  },
  {
    words: ["check"],
    summary: "validate the config and reach the sink and every source",
    options: {},
    run: async (context, values) => (await import("./check-command.ts")).checkCommand(context, config(values)),
  },
  {
    words: ["state", "show"],
    arguments: "[SOURCE]",
    maxArguments: 1,
    summary: "stored state per stream and the latest loads",
    options: { json: { type: "boolean", description: "print one JSON document instead of tables" } },
    run: async (context, values, [source]) =>
      (await import("./state-command.ts")).stateShowCommand(context, {
        ...config(values),
        json: values.json === true,
        ...(source === undefined ? {} : { source }),
      }),
  },
  {
    words: ["state", "reset"],
    arguments: "SOURCE",
    maxArguments: 1,
    summary: "forget state; the next sync starts from the configured start",
    options: { stream: { type: "string", multiple: true, value: "NAME", description: "only this stream" } },
    run: async (context, values, [source]) =>
      (await import("./state-command.ts")).stateResetCommand(context, {
        ...config(values),
        source,
        streams: list(values.stream),
      }),
  },
  {
    words: ["views", "apply"],
    summary: "create or replace the metric views in the sink",
    options: {
      "sql-dir": { type: "string", value: "DIR", description: "view files to apply (default: shipped)" },
      "reporting-time-zone": {
        type: "string",
        value: "IANA",
        description: "days are cut in this time zone (default UTC)",
      },
    },
    run: async (context, values) => {
      const directory = text(values["sql-dir"]);
      const reportingTimeZone = text(values["reporting-time-zone"]);
      return (await import("./views-command.ts")).viewsApplyCommand(context, {
        ...config(values),
        ...(directory === undefined ? {} : { directory }),
        ...(reportingTimeZone === undefined ? {} : { reportingTimeZone }),
      });
    },
  },
  {
    words: ["query"],
    arguments: '"SQL"',
    maxArguments: 1,
    summary: "run a query in the sink and print the rows",
    options: {
      format: {
        type: "string",
        value: "FORMAT",
        choices: rowFormats,
        description: "table (default), csv, json or ndjson; only table shortens long values",
      },
    },
    run: async (context, values, [sql]) =>
      (await import("./query-command.ts")).queryCommand(context, {
        ...config(values),
        sql,
        format: (text(values.format) ?? "table") as RowFormat,
      }),
  },
  {
    words: ["init"],
    summary: "write a commented starter config for the chosen sources and sink",
    options: {
      source: { type: "string", multiple: true, value: "TYPE", description: "a connector type, e.g. voicegain" },
      sink: { type: "string", value: "TYPE", description: "duckdb (default), postgres or bigquery" },
      force: { type: "boolean", description: "overwrite an existing config file" },
    },
    run: async (context, values) =>
      (await import("./init-command.ts")).initCommand(context, {
        ...config(values),
        sources: list(values.source),
        sink: text(values.sink) ?? "duckdb",
        force: values.force === true,
      }),
  },
  {
    words: ["sandbox"],
    summary: "serve fake vendor APIs with seeded data (offline development)",
    options: {
      port: {
        type: "string",
        value: "N",
        integer: { min: 0, max: 65_533 },
        description: "first port (default 8790; 0 picks free ports)",
      },
      size: {
        type: "string",
        value: "N",
        integer: { min: 1, max: 1000 },
        description: "multiplies the seeded data (default 1: ~2,000 calls, ~400 chats, 300 conversations)",
      },
      "write-config": { type: "string", value: "FILE", description: "config to write (default parley.sandbox.yaml)" },
    },
    stopMessage: "sandbox stopped",
    run: async (context, values) =>
      (await import("./sandbox-command.ts")).sandboxCommand(context, {
        port: Number(text(values.port) ?? 8790),
        size: Number(text(values.size) ?? 1),
        configPath: text(values["write-config"]) ?? "parley.sandbox.yaml",
      }),
  },
  {
    words: ["export"],
    arguments: "TYPE",
    maxArguments: 1,
    summary: "run a vendor's own export (ccai: to BigQuery) and print the MERGE to apply",
    options: {
      source: { type: "string", value: "NAME", description: "the source to export (when several)" },
      since: { type: "string", value: "TIME", description: "only conversations updated since then" },
    },
    run: async (context, values, [type]) =>
      (await import("./export-command.ts")).exportCommand(context, {
        ...config(values),
        type,
        source: text(values.source),
        since: text(values.since),
      }),
  },
  {
    words: ["dbt", "sources"],
    summary: "write a dbt sources file (columns, types, tests, freshness) for the tables the sources load",
    options: {
      output: { type: "string", value: "FILE", description: "file to write (default: print it)" },
      "warn-after-hours": {
        type: "string",
        value: "N",
        integer: { min: 1, max: 1_000_000 },
        description: "freshness warning after N hours (default per connector)",
      },
      "error-after-hours": {
        type: "string",
        value: "N",
        integer: { min: 1, max: 1_000_000 },
        description: "freshness error after N hours (default per connector)",
      },
    },
    run: async (context, values) =>
      (await import("./dbt-command.ts")).dbtSourcesCommand(context, {
        ...config(values),
        output: text(values.output),
        warnAfterHours: text(values["warn-after-hours"]),
        errorAfterHours: text(values["error-after-hours"]),
      }),
  },
  {
    words: ["schema"],
    summary: "print the JSON Schema of parley.yaml (for editor completion)",
    options: {},
    run: async (context) => (await import("./schema-command.ts")).schemaCommand(context),
  },
];

/** The command named by the leading positional arguments, and the arguments after its words. */
export function findCommand(positionals: readonly string[]): { command: CommandSpec; args: string[] } | undefined {
  const command = commands
    .filter((candidate) => candidate.words.every((word, index) => positionals[index] === word))
    .sort((left, right) => right.words.length - left.words.length)[0];
  if (command === undefined) return undefined;
  const args = positionals.slice(command.words.length);
  if (args.length > (command.maxArguments ?? 0))
    throw new ConfigError(
      [
        {
          path: args.join(" "),
          message: `parley ${command.words.join(" ")} takes no more than ${command.maxArguments ?? 0} argument(s)`,
        },
      ],
      {
        subject: "command line",
      },
    );
  return { command, args };
}
