export { builtinRegistry } from "./builtin-registry.ts";
export { sandboxConfig } from "./commands/sandbox-config.ts";
export { loadConfig, type RunnerConfig, resolveConfig } from "./config/load-config.ts";
export { runSync, type SyncOptions, type SyncProgress, type SyncResult } from "./engine/sync-engine.ts";
export { type PiiPolicy, piiPolicySchema } from "./pii/pii-config.ts";
export type { PiiSettings } from "./pii/pii-run.ts";
export {
  installedPlugins,
  loadPlugins,
  mergeRegistries,
  type NativeExport,
  pluginPackage,
  publishedPlugins,
  type Registry,
} from "./registry.ts";
export { type CliEnvironment, runCli, usage } from "./run-cli.ts";
export { stopOnSignals } from "./stop-signals.ts";
export { conversationColumns, unionStatement } from "./views/conversation-union.ts";
export { listViewFiles, toDialect } from "./views/view-files.ts";
