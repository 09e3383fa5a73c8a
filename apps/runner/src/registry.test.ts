import { ConfigError, type SourceFactory } from "@parley/core";
import { expect, test } from "vitest";
import { resolveConfig } from "./config/load-config.ts";
import { installedPlugins, pluginApiVersion, pluginPackage, pluginVersionIssue } from "./registry.ts";

const defaultRegistry = await installedPlugins();

test("every registered plugin speaks the runner's plugin API version and names its package", () => {
  const factories = [
    ...Object.values(defaultRegistry.sources).map((factory) => ({ factory, kind: "source" as const })),
    ...Object.values(defaultRegistry.sinks).map((factory) => ({ factory, kind: "sink" as const })),
  ];
  expect(factories).toHaveLength(6);
  for (const { factory, kind } of factories) {
    expect(factory.apiVersion, factory.type).toBe(pluginApiVersion);
    // The runner finds a plugin by this name: the package must be named by the convention.
    expect(factory.packageName, factory.type).toBe(pluginPackage(kind, factory.type));
  }
});

test("a plugin built for another API version is refused naming its package and both versions", () => {
  const ultimate = defaultRegistry.sources.ultimate as SourceFactory;
  const newer = { ...ultimate, apiVersion: 2 } as unknown as SourceFactory;
  expect(pluginVersionIssue(newer, "sources.bot.type")).toEqual({
    path: "sources.bot.type",
    message:
      "@parley/connector-ultimate implements plugin API version 2, but this @parley/runner speaks version 1: install versions of @parley/connector-ultimate and @parley/runner made for the same @parley/core",
  });
  const registry = { ...defaultRegistry, sources: { ...defaultRegistry.sources, ultimate: newer } };
  const error = (() => {
    try {
      resolveConfig(
        { sink: { type: "duckdb" }, sources: { bot: { type: "ultimate", token: "t" } } },
        registry,
        {},
        "/x/parley.yaml",
      );
      return undefined;
    } catch (caught) {
      return caught;
    }
  })();
  expect(ConfigError.isInstance(error)).toBe(true);
  expect((error as ConfigError).issues.map((issue) => issue.path)).toContain("sources.bot.type");
});
