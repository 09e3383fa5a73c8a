import { parleyCommand } from "../output/command-hint.ts";
import { applyConversationViews, conversationsFolder } from "../views/conversation-union.ts";
import { parseReportingTimeZone, withReportingTimeZone } from "../views/reporting-time-zone.ts";
import { defaultViewsDirectory, installStatement, listViewFiles, type ViewFile } from "../views/view-files.ts";
import { findUnsyncedTypes } from "../views/view-sources.ts";
import { type CommandContext, type GlobalOptions, openConfig, openSink } from "./command-context.ts";

/**
 * `parley views apply`: creates or replaces the shipped metric views for the configured sources, in the configured
 * sink, with days cut in the reporting time zone. A connector type whose tables are not there yet (never synced)
 * is skipped with a line saying which source to sync.
 */
export async function viewsApplyCommand(
  context: CommandContext,
  options: GlobalOptions & { readonly directory?: string; readonly reportingTimeZone?: string },
): Promise<number> {
  const zone = parseReportingTimeZone(options.reportingTimeZone);
  const config = await openConfig(context, options);
  const sink = openSink(config);
  try {
    const unsynced = await findUnsyncedTypes(sink, config.sources);
    for (const { sourceType, sources, missingTables } of unsynced) {
      const names = sources.map((name) => `"${name}"`).join(", ");
      context.stdout.write(
        `skipped the ${sourceType} views: source ${names} has not been synced yet (no table ${missingTables.join(", ")}); run \`${parleyCommand(context.environment)} sync -c ${options.config}\`, then \`${parleyCommand(context.environment)} views apply -c ${options.config}\` again\n`,
      );
    }
    const types = [...new Set(config.sources.map((source) => source.type))].filter(
      (type) => !unsynced.some((entry) => entry.sourceType === type),
    );
    const directory = options.directory ?? defaultViewsDirectory();
    const files = await listViewFiles(directory, sink.dialect, types);
    const install = async (file: ViewFile) => {
      await sink.execute(installStatement({ ...file, sql: withReportingTimeZone(file.sql, zone) }, sink.dialect));
      context.stdout.write(`applied ${file.path.split("/").slice(-2).join("/")}\n`);
    };
    for (const file of files) await install(file);
    context.stdout.write(`${files.length} view file(s) applied to ${sink.type} (days in the ${zone} time zone)\n`);
    const conversations = await listViewFiles(directory, sink.dialect, [conversationsFolder]);
    await applyConversationViews(sink, conversations, install, (line) => context.stdout.write(line));
  } finally {
    await sink.close();
  }
  return 0;
}
