import { readFile } from "node:fs/promises";
import { ConfigError, type ConfigIssue, parseConfig, type SinkFactory, type SourceFactory } from "@parley/core";
import { parse as parseYaml, YAMLParseError } from "yaml";
import { piiPolicyIssues } from "../pii/pii-checks.ts";
import type { PiiPolicy } from "../pii/pii-config.ts";
import {
  everyPlugin,
  loadPlugins,
  mergeRegistries,
  pluginPackage,
  pluginVersionIssue,
  type Registry,
} from "../registry.ts";
import { interpolateEnv } from "./interpolate-env.ts";
import { resolveRelativePaths } from "./relative-paths.ts";
import { defaultSinkType, type RunnerConfigFile, runnerConfigSchema, runnerOwnSourceKeys } from "./runner-config.ts";
import { checkTableNames } from "./table-names.ts";

export interface ConfiguredSource {
  readonly name: string;
  readonly type: string;
  readonly tablePrefix: string;
  readonly enabled: boolean;
  /** The source's PII policy (`pii:`); absent keeps every value as the connector gives it. */
  readonly pii: PiiPolicy | undefined;
  readonly factory: SourceFactory;
  readonly config: unknown;
  /** The connector's settings as written (after environment interpolation), for tools that parse them themselves. */
  readonly settings: Record<string, unknown>;
}

export interface RunnerConfig {
  readonly path: string;
  readonly sink: { readonly type: string; readonly factory: SinkFactory; readonly config: unknown };
  readonly sources: readonly ConfiguredSource[];
  readonly sync: RunnerConfigFile["sync"];
}

function omit(entry: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(entry).filter(([key]) => !keys.includes(key)));
}

function available(factories: Readonly<Record<string, unknown>>): string {
  const names = Object.keys(factories);
  return names.length === 0 ? "none installed" : names.join(", ");
}

/** An unset variable leaves its field empty; the schema's complaint about that field ("must not be empty") adds nothing. */
function withoutConsequences(unset: readonly ConfigIssue[], issues: readonly ConfigIssue[]): ConfigIssue[] {
  const paths = new Set(unset.map((issue) => issue.path));
  return [...unset, ...issues.filter((issue) => !paths.has(issue.path))];
}

/** Validates a parsed config document: the runner's keys, then each plugin's own schema, reporting every issue with its path. */
export function resolveConfig(
  document: unknown,
  registry: Registry,
  environment: NodeJS.ProcessEnv,
  path = "parley.yaml",
): RunnerConfig {
  const unset: ConfigIssue[] = [];
  const interpolated = interpolateEnv(document ?? {}, environment, unset);
  const parsed = parseConfig(runnerConfigSchema, interpolated);
  if (!parsed.ok)
    throw new ConfigError(withoutConsequences(unset, parsed.issues), { subject: `configuration in ${path}` });
  const issues: ConfigIssue[] = [];
  const file = parsed.config;

  const sinkFactory = registry.sinks[file.sink.type];
  let sinkConfig: unknown;
  if (sinkFactory === undefined) {
    issues.push({
      path: "sink.type",
      message: `unknown sink type "${file.sink.type}": install ${pluginPackage("sink", file.sink.type)} beside @parley/runner (installed: ${available(registry.sinks)})`,
    });
  } else {
    const versionIssue = pluginVersionIssue(sinkFactory, "sink.type");
    if (versionIssue !== undefined) issues.push(versionIssue);
    const settings = resolveRelativePaths(sinkFactory.configSchema, omit(file.sink, ["type"]), path);
    const sink = parseConfig(sinkFactory.configSchema, settings, "sink");
    if (sink.ok) sinkConfig = sink.config;
    else issues.push(...sink.issues);
  }

  const sources: ConfiguredSource[] = [];
  for (const [name, entry] of Object.entries(file.sources)) {
    const factory = registry.sources[entry.type];
    if (factory === undefined) {
      issues.push({
        path: `sources.${name}.type`,
        message: `unknown source type "${entry.type}": install ${pluginPackage("source", entry.type)} beside @parley/runner (installed: ${available(registry.sources)})`,
      });
      continue;
    }
    const versionIssue = pluginVersionIssue(factory, `sources.${name}.type`);
    if (versionIssue !== undefined) issues.push(versionIssue);
    const settings = resolveRelativePaths(factory.configSchema, omit(entry, runnerOwnSourceKeys), path);
    const source = parseConfig(factory.configSchema, settings, `sources.${name}`);
    if (!source.ok) {
      issues.push(...source.issues);
      continue;
    }
    // Creating a source does no I/O; its streams say which columns a PII rule may name.
    if (entry.pii !== undefined)
      issues.push(...piiPolicyIssues(entry.pii, factory.create(source.config).streams, `sources.${name}.pii`));
    sources.push({
      name,
      type: entry.type,
      tablePrefix: entry.tablePrefix ?? entry.type,
      enabled: entry.enabled,
      pii: entry.pii,
      factory,
      config: source.config,
      settings,
    });
  }
  if (unset.length + issues.length > 0)
    throw new ConfigError(withoutConsequences(unset, issues), { subject: `configuration in ${path}` });
  return {
    path,
    sink: { type: file.sink.type, factory: sinkFactory as SinkFactory, config: sinkConfig },
    sources,
    sync: file.sync,
  };
}

export async function loadConfig(
  path: string,
  registry: Registry,
  environment: NodeJS.ProcessEnv = process.env,
): Promise<RunnerConfig> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (cause) {
    throw new ConfigError(
      [
        {
          path: "",
          message: `cannot read ${path} (${(cause as NodeJS.ErrnoException).code ?? "error"}); pass another file with -c`,
        },
      ],
      { cause, subject: "configuration" },
    );
  }
  let document: unknown;
  try {
    document = parseYaml(text);
  } catch (cause) {
    const where =
      cause instanceof YAMLParseError && cause.linePos !== undefined
        ? `line ${cause.linePos[0].line}, column ${cause.linePos[0].col}`
        : "";
    throw new ConfigError([{ path: where, message: `not valid YAML: ${(cause as Error).message.split("\n")[0]}` }], {
      cause,
      subject: `configuration in ${path}`,
    });
  }
  const config = resolveConfig(document, await withPluginsNamedIn(document, registry), environment, path);
  await checkTableNames(config);
  return config;
}

/**
 * The registry plus every plugin the document names that is not in it yet, imported by its package name. A type
 * that is not installed is reported with the list of installed ones, so then every installed plugin is imported.
 */
async function withPluginsNamedIn(document: unknown, registry: Registry): Promise<Registry> {
  const typeOf = (entry: unknown): string[] => {
    const type = (entry as { type?: unknown } | null)?.type;
    return typeof type === "string" ? [type] : [];
  };
  const root = (document ?? {}) as { sink?: unknown; sources?: Record<string, unknown> };
  const sources = Object.values(root.sources ?? {})
    .flatMap(typeOf)
    .filter((type) => registry.sources[type] === undefined);
  const sinks = typeOf(root.sink ?? { type: defaultSinkType }).filter((type) => registry.sinks[type] === undefined);
  if (sources.length === 0 && sinks.length === 0) return registry;
  const found = mergeRegistries(await loadPlugins({ sources, sinks }), registry);
  const missing = [
    ...sources.filter((type) => found.sources[type] === undefined),
    ...sinks.filter((type) => found.sinks[type] === undefined),
  ];
  return missing.length === 0 ? found : everyPlugin(registry);
}
