import { ConfigError } from "@parley/core";
import { defaultViewsDirectory, installStatement, listViewFiles } from "../views/view-files.ts";
import { type CommandContext, type GlobalOptions, openConfig, openSink, renderRows } from "./command-context.ts";

/** `parley views apply`: creates or replaces the shipped metric views for the configured sources, in the configured sink. */
export async function viewsApplyCommand(
  context: CommandContext,
  options: GlobalOptions & { readonly directory?: string },
): Promise<number> {
  const config = await openConfig(context, options);
  const sink = openSink(config);
  try {
    if (!sink.capabilities.sql)
      throw new ConfigError([
        { path: "sink.type", message: `the ${sink.type} sink cannot run SQL, so it cannot hold views` },
      ]);
    const types = [...new Set(config.sources.map((source) => source.type))];
    const files = await listViewFiles(options.directory ?? defaultViewsDirectory(), sink.dialect, types);
    for (const file of files) {
      await sink.execute(installStatement(file, sink.dialect));
      context.stdout.write(`applied ${file.path.split("/").slice(-2).join("/")}\n`);
    }
    context.stdout.write(`${files.length} view file(s) applied to ${sink.type}\n`);
  } finally {
    await sink.close();
  }
  return 0;
}

/** `parley query "SQL"`: runs a query in the sink and prints the rows (for trying views quickly). */
export async function queryCommand(
  context: CommandContext,
  options: GlobalOptions & { readonly sql: string | undefined },
): Promise<number> {
  if (options.sql === undefined || options.sql.trim() === "")
    throw new ConfigError([{ path: "SQL", message: 'give the query to run: parley query "SELECT ..."' }]);
  const config = await openConfig(context, options);
  const sink = openSink(config);
  try {
    context.stdout.write(`${renderRows(await sink.query(options.sql))}\n`);
  } finally {
    await sink.close();
  }
  return 0;
}
